import { describe, expect, test } from 'bun:test'
import jsQR from 'jsqr'
import { drawQr } from '../../web/src/lib/qr.ts'

/** Paints the drawing's rectangles into RGBA pixels, as a browser would, at `scale` per module. */
function paint(size: number, path: string, scale: number): Uint8ClampedArray {
  const side = size * scale
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255)
  const runs = [...path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)]
  expect(runs.map((run) => run[0]).join('')).toBe(path)
  for (const [, x, y, width, back] of runs) {
    expect(back).toBe(width)
    for (let row = Number(y) * scale; row < (Number(y) + 1) * scale; row += 1) {
      for (let col = Number(x) * scale; col < (Number(x) + Number(width)) * scale; col += 1) {
        pixels.fill(0, (row * side + col) * 4, (row * side + col) * 4 + 3)
      }
    }
  }
  return pixels
}

describe('setup QR code', () => {
  test('an authenticator setup link reads back exactly from the drawn code', () => {
    const uri =
      'otpauth://totp/Tenor:ana%2Binvestor%40example.com?issuer=Tenor&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30'
    const { size, path } = drawQr(uri)
    const scale = 4
    const read = jsQR(paint(size, path, scale), size * scale, size * scale)
    expect(read?.data).toBe(uri)
  })

  test('the code keeps a four-module quiet zone on every side', () => {
    const { size, path } = drawQr('otpauth://totp/Tenor:a%40b.co?secret=ABCD&issuer=Tenor')
    const runs = [...path.matchAll(/M(\d+) (\d+)h(\d+)/g)].map(([, x, y, width]) => ({
      x: Number(x),
      y: Number(y),
      end: Number(x) + Number(width),
    }))
    expect(Math.min(...runs.map((run) => run.x))).toBe(4)
    expect(Math.min(...runs.map((run) => run.y))).toBe(4)
    expect(Math.max(...runs.map((run) => run.end))).toBe(size - 4)
    expect(Math.max(...runs.map((run) => run.y))).toBe(size - 5)
  })
})
