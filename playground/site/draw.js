// Turning Python's DOT into an accessible inline SVG (Graphviz compiled to WebAssembly).

export function showSVG(viz, dot, container, description) {
  const svg = viz.renderSVGElement(dot);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", description);
  // Graphviz writes a <title> per node with its internal id: hide those from assistive tech.
  for (const t of svg.querySelectorAll("g > title")) t.remove();
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = description;
  svg.prepend(title);
  container.replaceChildren(svg);
  return svg;
}
