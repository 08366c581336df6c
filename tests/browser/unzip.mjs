// Extracts a zip file with node alone (node:zlib inflates; no `unzip` on a fresh Debian), for offline.mjs. It reads
// the central directory, checks each entry's size and CRC-32, and refuses names that would leave the target folder.
// Enough for the zips `freda build --zip` writes (stored or deflated entries, no ZIP64, no encryption): it is also a
// second reader of those zips, besides the zip crate in tests/bundle.rs.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Where the end-of-central-directory record starts (a comment of up to 64 KB may follow it). */
function endOfDirectory(buf) {
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === 0x06054b50) return p;
  }
  throw new Error('not a zip file: no end of central directory');
}

/** The entry's bytes from its local header at `offset`. */
function entryBytes(buf, offset, method, compressedSize) {
  if (buf.readUInt32LE(offset) !== 0x04034b50) throw new Error(`no local header at ${offset}`);
  const start = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
  const data = buf.subarray(start, start + compressedSize);
  if (method === 0) return data;
  if (method === 8) return zlib.inflateRawSync(data);
  throw new Error(`compression method ${method} is not supported here`);
}

/**
 * Extracts `file` into the folder `dest`; returns the names of its entries (folders end in `/`) in the zip's order.
 * Throws on anything wrong: a bad signature, a size or CRC mismatch, ZIP64, a name with `..`, `\` or a leading `/`.
 */
export function unzip(file, dest) {
  const buf = fs.readFileSync(file);
  const end = endOfDirectory(buf);
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`entry ${i}: no central directory header`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if ([compressedSize, size, local].includes(0xffffffff)) throw new Error(`${name}: ZIP64 is not supported here`);
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) {
      throw new Error(`${name}: a name that leaves the folder`);
    }
    names.push(name);
    const target = path.join(dest, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    const bytes = entryBytes(buf, local, method, compressedSize);
    if (bytes.length !== size) throw new Error(`${name}: ${bytes.length} bytes, the directory says ${size}`);
    if (crc32(bytes) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  return names;
}
