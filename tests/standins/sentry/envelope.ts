/**
 * Sentry's envelope format (https://develop.sentry.dev/sdk/data-model/envelopes/): a JSON
 * header line, then items, each a JSON item-header line followed by its payload. A payload is
 * exactly `length` bytes when the item header gives a length, else it runs to the next newline.
 */

export interface EnvelopeItem {
  header: { type: string; length?: number } & Record<string, unknown>
  /** The payload parsed as JSON when it is JSON, else its text. */
  payload: unknown
}

export interface Envelope {
  header: Record<string, unknown>
  items: EnvelopeItem[]
}

const newline = 0x0a

export function parseEnvelope(bytes: Uint8Array): Envelope {
  const decoder = new TextDecoder()
  let offset = 0
  const readLine = (): string => {
    let end = bytes.indexOf(newline, offset)
    if (end === -1) end = bytes.length
    const line = decoder.decode(bytes.subarray(offset, end))
    offset = end + 1
    return line
  }

  const header = JSON.parse(readLine()) as Record<string, unknown>
  const items: EnvelopeItem[] = []
  while (offset < bytes.length) {
    const line = readLine()
    if (line.trim() === '') continue

    const itemHeader = JSON.parse(line) as EnvelopeItem['header']
    let text: string
    if (typeof itemHeader.length === 'number') {
      text = decoder.decode(bytes.subarray(offset, offset + itemHeader.length))
      offset += itemHeader.length + 1
    } else {
      text = readLine()
    }
    items.push({ header: itemHeader, payload: parseJson(text) })
  }
  return { header, items }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
