package io.kafkabinlog.schemas.codec;

/**
 * TiDB's datum codec: {@code EncodeValue} (non-comparable), {@code EncodeKey} (comparable) and
 * {@code DecodeOne}, which accepts every flag.
 */
public final class DatumCodec {
  private static final long SIGN = 0x8000000000000000L;

  private DatumCodec() {}

  /** Decodes exactly one datum from the whole array. */
  public static Datum decodeOne(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    Datum d = decodeOne(r);
    if (r.hasRemaining()) {
      throw new CodecException(r.position(), "trailing bytes after datum");
    }
    return d;
  }

  /** Decodes the datum at the reader's position. */
  public static Datum decodeOne(ByteReader r) {
    int at = r.position();
    int flag = r.readUnsignedByte();
    switch (flag) {
      case DatumFlag.NIL:
        return Datum.NULL;
      case DatumFlag.MAX:
        return Datum.MAX;
      case DatumFlag.VARINT:
        return new Datum.Int(r.readVarint());
      case DatumFlag.UVARINT:
        return new Datum.Uint(r.readUvarint());
      case DatumFlag.INT:
        return new Datum.Int(r.readLongBE() ^ SIGN);
      case DatumFlag.UINT:
        return new Datum.Uint(r.readLongBE());
      case DatumFlag.DURATION:
        return new Datum.Duration(r.readLongBE() ^ SIGN);
      case DatumFlag.FLOAT:
        return new Datum.Float64(decodeFloatBits(r.readLongBE()));
      case DatumFlag.COMPACT_BYTES:
        {
          int lenAt = r.position();
          long n = r.readVarint();
          if (n < 0 || n > r.remaining()) {
            throw new CodecException(
                lenAt, "compact bytes length " + n + " past the end (" + r.remaining() + " left)");
          }
          return new Datum.Bytes(r.readBytes((int) n, "compact bytes"));
        }
      case DatumFlag.BYTES:
        return new Datum.Bytes(decodeMemcomparable(r));
      case DatumFlag.DECIMAL:
        return MyDecimal.read(r);
      case DatumFlag.JSON:
        {
          int code = r.readUnsignedByte();
          int len = JsonBinary.valueLength(code, r);
          return new Datum.Json(code, r.readBytes(len, "json value"));
        }
      case DatumFlag.VECTOR_FLOAT32:
        throw new CodecException(at, "unsupported datum flag 0x14 (vector)");
      default:
        throw new CodecException(at, "invalid encoded datum flag 0x" + Integer.toHexString(flag));
    }
  }

  /** EncodeValue: the non-comparable form used in row images. */
  public static byte[] encodeValue(Datum d) {
    ByteWriter w = new ByteWriter();
    encodeValue(d, w);
    return w.toByteArray();
  }

  public static void encodeValue(Datum d, ByteWriter w) {
    if (d instanceof Datum.Int i) {
      w.writeByte(DatumFlag.VARINT).writeVarint(i.value());
    } else if (d instanceof Datum.Uint u) {
      w.writeByte(DatumFlag.UVARINT).writeUvarint(u.bits());
    } else if (d instanceof Datum.Bytes b) {
      w.writeByte(DatumFlag.COMPACT_BYTES).writeVarint(b.value().length).writeBytes(b.value());
    } else {
      encodeCommon(d, w);
    }
  }

  /** EncodeKey: the comparable form used in keys. */
  public static byte[] encodeKey(Datum d) {
    ByteWriter w = new ByteWriter();
    encodeKey(d, w);
    return w.toByteArray();
  }

  public static void encodeKey(Datum d, ByteWriter w) {
    if (d instanceof Datum.Int i) {
      w.writeByte(DatumFlag.INT).writeLongBE(i.value() ^ SIGN);
    } else if (d instanceof Datum.Uint u) {
      w.writeByte(DatumFlag.UINT).writeLongBE(u.bits());
    } else if (d instanceof Datum.Bytes b) {
      w.writeByte(DatumFlag.BYTES);
      encodeMemcomparable(b.value(), w);
    } else {
      encodeCommon(d, w);
    }
  }

  private static void encodeCommon(Datum d, ByteWriter w) {
    if (d instanceof Datum.Null) {
      w.writeByte(DatumFlag.NIL);
    } else if (d instanceof Datum.Max) {
      w.writeByte(DatumFlag.MAX);
    } else if (d instanceof Datum.Float64 f) {
      w.writeByte(DatumFlag.FLOAT).writeLongBE(encodeFloatBits(f.value()));
    } else if (d instanceof Datum.Decimal dec) {
      w.writeByte(DatumFlag.DECIMAL);
      MyDecimal.write(dec.value(), dec.precision(), dec.frac(), w);
    } else if (d instanceof Datum.Duration du) {
      w.writeByte(DatumFlag.DURATION).writeLongBE(du.nanos() ^ SIGN);
    } else if (d instanceof Datum.Json j) {
      w.writeByte(DatumFlag.JSON).writeByte(j.typeCode()).writeBytes(j.value());
    } else {
      throw new CodecException(-1, "cannot encode datum " + d);
    }
  }

  /** Comparable float bits (current TiDB: tests the sign bit, so -0.0 encodes as 7F FF..FF). */
  public static long encodeFloatBits(double f) {
    long u = Double.doubleToRawLongBits(f);
    return u >= 0 ? u | SIGN : ~u;
  }

  public static double decodeFloatBits(long u) {
    return Double.longBitsToDouble(u < 0 ? u & ~SIGN : ~u);
  }

  /** Memcomparable group encoding (no flag byte). */
  public static void encodeMemcomparable(byte[] data, ByteWriter w) {
    int i = 0;
    while (true) {
      int remain = data.length - i;
      if (remain >= 8) {
        w.writeBytes(data, i, 8).writeByte(0xFF);
        i += 8;
      } else {
        w.writeBytes(data, i, remain);
        int pad = 8 - remain;
        for (int k = 0; k < pad; k++) {
          w.writeByte(0);
        }
        w.writeByte(0xFF - pad);
        return;
      }
    }
  }

  public static byte[] decodeMemcomparable(ByteReader r) {
    ByteWriter out = new ByteWriter();
    while (true) {
      int at = r.position();
      byte[] group = r.readBytes(8, "memcomparable group");
      int marker = r.readUnsignedByte();
      int pad = 0xFF - marker;
      if (pad > 8) {
        throw new CodecException(
            at + 8, "invalid memcomparable marker 0x" + Integer.toHexString(marker));
      }
      int real = 8 - pad;
      for (int k = real; k < 8; k++) {
        if (group[k] != 0) {
          throw new CodecException(at + k, "non-zero memcomparable padding");
        }
      }
      out.writeBytes(group, 0, real);
      if (pad != 0) {
        return out.toByteArray();
      }
    }
  }
}
