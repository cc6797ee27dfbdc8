// The VSIX targets we can package, and a check that a native addon really was built for
// one of them (by its file header: ELF, Mach-O or PE, and the machine it is for).
import { openSync, readSync, closeSync } from 'node:fs';

/** vsce target → Node's process.platform / process.arch of the machines it runs on. */
export const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64' },
  'linux-arm64': { platform: 'linux', arch: 'arm64' },
  'win32-x64': { platform: 'win32', arch: 'x64' },
  'win32-arm64': { platform: 'win32', arch: 'arm64' },
  'darwin-x64': { platform: 'darwin', arch: 'x64' },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64' },
};

export const hostTarget = () => `${process.platform}-${process.arch}`;

function readHead(file, n = 4096) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The `platform-arch` a native binary was built for, or undefined when not recognised. */
export function binaryTarget(file) {
  const b = readHead(file);
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    const little = b[5] === 1;
    const machine = little ? b.readUInt16LE(18) : b.readUInt16BE(18);
    return { 0x3e: 'linux-x64', 0xb7: 'linux-arm64' }[machine];
  }
  if (b.length >= 8 && b.readUInt32LE(0) === 0xfeedfacf) {
    return { 0x01000007: 'darwin-x64', 0x0100000c: 'darwin-arm64' }[b.readUInt32LE(4)];
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xcafebabe) return 'darwin-universal';
  if (b.length >= 64 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= b.length && b.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      return { 0x8664: 'win32-x64', 0xaa64: 'win32-arm64' }[b.readUInt16LE(pe + 4)];
    }
  }
  return undefined;
}

/** True when a binary of kind `built` runs on `target` (a universal Mach-O runs on both Macs). */
export const runsOn = (built, target) =>
  built === target || (built === 'darwin-universal' && target.startsWith('darwin-'));
