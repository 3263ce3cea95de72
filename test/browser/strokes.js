// Digits drawn with the mouse on drawDigit's canvas (@lecture3/views): the browser tests' (test/browser/views.spec.js)
// and the site's (test/site/site.spec.js).
"use strict";

/** A 「7」: across the top, then down to the lower left (points in 0..1 of the canvas). */
const SEVEN = [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]];

/** Draws `strokes` (each a list of points in 0..1 of the canvas) on `canvas` (a locator) with the mouse, 12 moves a segment. */
async function drawStrokes(page, canvas, strokes) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
    await page.mouse.up();
  }
}

module.exports = { SEVEN, drawStrokes };
