// The first view of a diagram: all of it if it fits at a readable scale, else its top left
// corner at that scale; clear of the palette on the left either way.
const MIN_SCALE = 0.6;
const MARGIN = { left: 130, top: 30, right: 30, bottom: 30 };

export function showReadable(canvas) {
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height || !outer.width || !outer.height) {
    return;
  }
  const fit = Math.min(
    (outer.width - MARGIN.left - MARGIN.right) / inner.width,
    (outer.height - MARGIN.top - MARGIN.bottom) / inner.height);
  const scale = Math.max(Math.min(fit, 1), MIN_SCALE);
  canvas.viewbox({
    x: inner.x - MARGIN.left / scale,
    y: inner.y - MARGIN.top / scale,
    width: outer.width / scale,
    height: outer.height / scale,
  });
}
