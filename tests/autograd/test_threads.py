"""Grad mode and anomaly mode belong to the thread (and asyncio task) that set them."""

import asyncio
import threading

import pytest

from autograd import AnomalyError, Value, detect_anomaly, is_anomaly_enabled, is_grad_enabled, no_grad


def _interleave(make_block):
    """Thread 1 enters, thread 2 enters, thread 1 exits, thread 2 exits: blocks that overlap
    without nesting. Returns what each thread saw inside its block."""
    step = [threading.Event() for _ in range(4)]
    seen = {}

    def one():
        with make_block():
            seen["one"] = (is_grad_enabled(), is_anomaly_enabled())
            step[0].set()
            step[1].wait(5)
        step[2].set()

    def two():
        step[0].wait(5)
        with make_block():
            seen["two"] = (is_grad_enabled(), is_anomaly_enabled())
            step[1].set()
            step[2].wait(5)

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return seen


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    seen = _interleave(no_grad)
    assert seen == {"one": (False, False), "two": (False, False)}
    assert is_grad_enabled()
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_overlapping_detect_anomaly_blocks_in_two_threads_leave_it_off():
    seen = _interleave(detect_anomaly)
    assert seen == {"one": (True, True), "two": (True, True)}
    assert not is_anomaly_enabled()
    assert (Value(1e200) * 1e200).data == float("inf")  # no AnomalyError out here


def test_no_grad_in_one_thread_does_not_reach_another():
    inside, outside = threading.Event(), threading.Event()
    recorded = []

    def worker():
        inside.wait(5)
        x = Value(2.0)
        recorded.append(len((x * x).parents))
        outside.set()

    t = threading.Thread(target=worker)
    t.start()
    with no_grad():
        inside.set()
        outside.wait(5)
        assert (Value(2.0) * 2).parents == ()
    t.join(5)
    assert recorded == [2]


def test_a_shared_no_grad_decorator_is_safe_across_threads():
    barrier = threading.Barrier(4)

    @no_grad
    def step(v):
        barrier.wait(5)
        return v * v

    results = []
    threads = [threading.Thread(target=lambda: results.append(step(Value(1.0)).parents)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [()] * 4 and is_grad_enabled()


def test_each_asyncio_task_has_its_own_switches():
    async def quiet(started, release):
        with no_grad():
            started.set()
            await release.wait()
            return is_grad_enabled()

    async def loud(started, release):
        await started.wait()
        x = Value(3.0)
        y = x * x
        release.set()
        with pytest.raises(AnomalyError, match="mul produced inf"), detect_anomaly():
            Value(1e200) * 1e200
        return is_grad_enabled(), len(y.parents)

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, release), loud(started, release))

    assert asyncio.run(main()) == [False, (True, 2)]
    assert is_grad_enabled() and not is_anomaly_enabled()
