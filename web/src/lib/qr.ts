import { encode } from 'uqr'

export interface QrDrawing {
  /** Modules per side, quiet zone included: the SVG's viewBox is 0 0 size size. */
  size: number
  /** One path of unit squares, a run of dark modules in a row drawn as one rectangle. */
  path: string
}

/**
 * Draws text as a QR code for an inline SVG, so the setup link never leaves the page for an
 * image service. Error correction M survives a smudged or glaring screen; the quiet zone is the
 * four modules the standard asks for, since the page behind it may not be white.
 */
export function drawQr(text: string): QrDrawing {
  const { data, size } = encode(text, { ecc: 'M', border: 4 })
  const runs: string[] = []
  data.forEach((row, y) => {
    let x = 0
    while (x < size) {
      if (!row[x]) {
        x += 1
        continue
      }
      const start = x
      while (x < size && row[x]) x += 1
      runs.push(`M${start} ${y}h${x - start}v1h${start - x}z`)
    }
  })
  return { size, path: runs.join('') }
}
