/**
 * Reads the files of a zip archive (a Teams app package): the central directory from the end
 * of the archive, then each entry's data, stored or deflated. Enough of PKWARE's APPNOTE for
 * packages any zip tool writes; archives it cannot read are refused, never guessed at.
 */
import { inflateRawSync } from 'node:zlib';

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const endOfCentralDirectory = 0x06054b50;
const centralEntry = 0x02014b50;
const localHeader = 0x04034b50;

/** Entry name → contents. Directories are left out. */
export function readZip(archive: Buffer): Map<string, Buffer> {
  // The end record is 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65_535); i--) {
    if (archive.readUInt32LE(i) === endOfCentralDirectory) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('not a zip archive (no end of central directory record)');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== centralEntry) throw new ZipFormatError('the central directory is damaged');
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const local = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (local + 30 > archive.length || archive.readUInt32LE(local) !== localHeader) throw new ZipFormatError(`entry ${name} has no local header`);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = archive.subarray(start, start + compressedSize);
    let contents: Buffer;
    if (method === 0) contents = Buffer.from(data);
    else if (method === 8) contents = inflateRawSync(data);
    else throw new ZipFormatError(`entry ${name} uses compression method ${method}; only stored and deflated entries are read`);
    if (contents.length !== size) throw new ZipFormatError(`entry ${name} is ${contents.length} bytes, not the ${size} its header says`);
    files.set(name, contents);
  }
  return files;
}
