// Turning Python's DOT into an accessible inline SVG (Graphviz compiled to WebAssembly).

const SVG_NS = "http://www.w3.org/2000/svg";

// The picture is a group, not an image, because its nodes can take focus (an image's parts cannot);
// it still says what it shows: a <title>, a <desc> and an aria-label with Python's one-sentence description.
export function showSVG(viz, dot, container, description, title = "") {
  const svg = viz.renderSVGElement(dot);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", description);
  // Graphviz writes a <title> per node with its internal id: hide those from assistive tech.
  for (const t of svg.querySelectorAll("g > title")) t.remove();
  const desc = document.createElementNS(SVG_NS, "desc");
  desc.textContent = description;
  svg.prepend(desc);
  const heading = document.createElementNS(SVG_NS, "title");
  heading.textContent = title || description.split(":")[0];
  svg.prepend(heading);
  container.replaceChildren(svg);
  return svg;
}
