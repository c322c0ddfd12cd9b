// Decoding a 1 KiB row set, the CPU half of an L2 hit: the payload as the cache now writes it
// (shapes from the shared list), the self-describing form it writes for shapes not listed yet
// (and wrote for everything before), and JSON.parse of the same value as text (what the raw
// client pays). Measures the package's own codec from source: it is not part of the public API.
import { measure, report } from '@bi-perf/bench'
import { ValueCodec } from '../src/value-codec.js'
import { kibObject } from './payloads.js'

const JSON_PARSE = 'JSON.parse of the UTF-8 text'

export async function decodeBench(): Promise<string> {
  const value = kibObject(1)
  const shapes: string[][] = []
  const codec = new ValueCodec({
    onUnknownShape: (keys) => shapes.push(keys),
    onForget: () => {},
    onNoShapes: () => {},
  })
  const selfDescribing = codec.encode('k', value)
  // Learn every shape the value holds, as the registry would after two sightings each.
  codec.adopt(1, [])
  for (let pass = 0; pass < 10 && codec.encode('k', value).readUInt32BE(0) === 0; pass++) {
    codec.adopt(1, [...shapes])
  }
  const shaped = codec.encode('k', value)
  if (shaped.readUInt32BE(0) !== 1) throw new Error('the value did not get to shared shapes')
  const text = Buffer.from(JSON.stringify(value))
  const results = await measure([
    { name: JSON_PARSE, fn: () => JSON.parse(text.toString('utf8')) as unknown },
    { name: `shared shapes (${shaped.length} bytes)`, fn: () => codec.decode(shaped) },
    {
      name: `self-describing records (${selfDescribing.length} bytes)`,
      fn: () => codec.decode(selfDescribing),
    },
  ])
  return report(
    `Decoding a 1 KiB row set (${text.length} bytes as JSON), one value per call`,
    results,
    [JSON_PARSE],
  )
}
