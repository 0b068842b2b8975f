// Turns the parser's offsets (UTF-8 bytes for nodes and tokens, characters for errors) into line:column.

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  column: number;
}

export class SourceText {
  readonly text: string;
  /** The text as UTF-8, the encoding the parser's offsets count. */
  readonly bytes: Uint8Array;
  private readonly lineStarts: number[] = [0];
  /** Byte offset → string index; absent while the text is ASCII and the two are the same. */
  private readonly byteToIndex: Uint32Array | undefined;

  constructor(text: string) {
    this.text = text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.bytes = Buffer.from(text, 'utf8');
    const bytes = this.bytes.length;
    if (bytes === text.length) return;
    const map = new Uint32Array(bytes + 1);
    let byte = 0;
    for (let index = 0; index < text.length; ) {
      const code = text.codePointAt(index)!;
      const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      map.fill(index, byte, byte + size);
      byte += size;
      index += code > 0xffff ? 2 : 1;
    }
    map[bytes] = text.length;
    this.byteToIndex = map;
  }

  /** The string index of a UTF-8 byte offset. */
  indexOfByte(byte: number): number {
    const clamped = Math.max(0, byte);
    if (!this.byteToIndex) return Math.min(clamped, this.text.length);
    return this.byteToIndex[Math.min(clamped, this.byteToIndex.length - 1)]!;
  }

  /** The string index of a character (code point) offset. */
  indexOfCodePoint(offset: number): number {
    let index = 0;
    for (let seen = 0; seen < offset && index < this.text.length; seen++) {
      index += this.text.codePointAt(index)! > 0xffff ? 2 : 1;
    }
    return index;
  }

  positionOfIndex(index: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - this.lineStarts[low]! + 1 };
  }

  positionOfByte(byte: number): Position {
    return this.positionOfIndex(this.indexOfByte(byte));
  }

  /** The text between two byte offsets. */
  sliceBytes(start: number, end: number): string {
    return this.text.slice(this.indexOfByte(start), this.indexOfByte(end));
  }
}
