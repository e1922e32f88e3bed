/// <reference lib="dom" />
// The callback given to evaluate runs in the browser, with its DOM.
import type { Locator } from '@playwright/test'
import jsQR from 'jsqr'

const side = 480

/**
 * Reads a QR code the way a phone would: the browser paints the SVG into a canvas, and the
 * pixels it painted are decoded. Returns the text the code carries, or null if it does not scan.
 */
export async function scanQr(svg: Locator): Promise<string | null> {
  const pixels = await svg.evaluate(async (element, size) => {
    const image = new Image()
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(element))}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = size
    canvas.height = size
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d canvas in this browser')
    context.drawImage(image, 0, 0, size, size)
    return Array.from(context.getImageData(0, 0, size, size).data)
  }, side)
  return jsQR(Uint8ClampedArray.from(pixels), side, side)?.data ?? null
}
