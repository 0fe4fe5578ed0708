package io.kafkabinlog.schemas.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * TiDB's binary JSON ({@code pkg/types/json_binary.go}): to and from JSON text.
 *
 * <p>Text output follows TiDB/MySQL style ({@code {"a": 1, "b": [1, 2]}}); float64 values that are
 * integral keep a {@code .0} so that the text parses back to a float64.
 */
public final class JsonBinary {
  public static final int OBJECT = 0x01;
  public static final int ARRAY = 0x03;
  public static final int LITERAL = 0x04;
  public static final int INT64 = 0x09;
  public static final int UINT64 = 0x0A;
  public static final int FLOAT64 = 0x0B;
  public static final int STRING = 0x0C;
  public static final int OPAQUE = 0x0D;
  public static final int DATE = 0x0E;
  public static final int DATETIME = 0x0F;
  public static final int TIMESTAMP = 0x10;
  public static final int DURATION = 0x11;

  public static final int LITERAL_NULL = 0x00;
  public static final int LITERAL_TRUE = 0x01;
  public static final int LITERAL_FALSE = 0x02;

  /** MySQL's limit on JSON nesting. */
  public static final int MAX_DEPTH = 100;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonBinary() {}

  /**
   * Length in bytes of the value of type {@code code} starting at the reader's position (the reader
   * is not moved).
   */
  static int valueLength(int code, ByteReader r) {
    ByteReader p = r.duplicate();
    int at = p.position();
    switch (code) {
      case OBJECT:
      case ARRAY:
        {
          if (p.remaining() < 8) {
            throw new CodecException(at, "truncated json container header");
          }
          p.skip(4, "json count");
          long size = readU32(p);
          if (size < 8 || size > r.remaining()) {
            throw new CodecException(at, "json container size " + size + " out of range");
          }
          return (int) size;
        }
      case LITERAL:
        return 1;
      case INT64:
      case UINT64:
      case FLOAT64:
      case DATE:
      case DATETIME:
      case TIMESTAMP:
        return 8;
      case DURATION:
        return 12;
      case STRING:
        {
          long n = p.readUvarint();
          if (n < 0 || n > p.remaining()) {
            throw new CodecException(at, "json string length " + n + " past the end");
          }
          return p.position() - at + (int) n;
        }
      case OPAQUE:
        {
          p.readUnsignedByte();
          long n = p.readUvarint();
          if (n < 0 || n > p.remaining()) {
            throw new CodecException(at, "json opaque length " + n + " past the end");
          }
          return p.position() - at + (int) n;
        }
      default:
        throw new CodecException(at - 1, "invalid json type code 0x" + Integer.toHexString(code));
    }
  }

  private static long readU32(ByteReader p) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (long) p.readUnsignedByte() << (8 * i);
    }
    return v;
  }

  // ---------------------------------------------------------------- binary -> text

  /** Renders a binary JSON value (type code + value bytes) as JSON text. */
  public static String toText(int typeCode, byte[] value) {
    Decoder d = new Decoder(value);
    StringBuilder sb = new StringBuilder();
    int len = d.render(typeCode, 0, value.length, 0, sb);
    if (len != value.length) {
      throw new CodecException(len, "json value has " + (value.length - len) + " trailing bytes");
    }
    return sb.toString();
  }

  private static final class Decoder {
    private final byte[] b;
    private long budget;
    private final long maxOut;

    Decoder(byte[] b) {
      this.b = b;
      this.budget = b.length + 16L;
      this.maxOut = 8L * b.length + 1024;
    }

    private long u32(int at, int limit) {
      if (at < 0 || at + 4 > limit) {
        throw new CodecException(at, "truncated json u32");
      }
      return (b[at] & 0xFFL)
          | (b[at + 1] & 0xFFL) << 8
          | (b[at + 2] & 0xFFL) << 16
          | (b[at + 3] & 0xFFL) << 24;
    }

    private long u64(int at, int limit) {
      if (at < 0 || at + 8 > limit) {
        throw new CodecException(at, "truncated json 8-byte value");
      }
      return u32(at, limit) | u32(at + 4, limit) << 32;
    }

    private void spend(int at, StringBuilder sb) {
      if (--budget < 0 || sb.length() > maxOut) {
        throw new CodecException(at, "json value references more data than it holds");
      }
    }

    /** Renders the value at [at, limit) and returns the index after it. */
    int render(int code, int at, int limit, int depth, StringBuilder sb) {
      spend(at, sb);
      switch (code) {
        case OBJECT:
        case ARRAY:
          return renderContainer(code == OBJECT, at, limit, depth, sb);
        case LITERAL:
          {
            if (at >= limit) {
              throw new CodecException(at, "truncated json literal");
            }
            appendLiteral(b[at] & 0xFF, at, sb);
            return at + 1;
          }
        case INT64:
          sb.append(u64(at, limit));
          return at + 8;
        case UINT64:
          sb.append(Long.toUnsignedString(u64(at, limit)));
          return at + 8;
        case FLOAT64:
          {
            double f = Double.longBitsToDouble(u64(at, limit));
            if (!Double.isFinite(f)) {
              throw new CodecException(at, "json float64 is not finite");
            }
            sb.append(formatFloat(f));
            return at + 8;
          }
        case STRING:
          {
            ByteReader r = new ByteReader(b, at, limit - at);
            long n = r.readUvarint();
            if (n < 0 || n > r.remaining()) {
              throw new CodecException(at, "json string length " + n + " past the end");
            }
            int start = r.position();
            appendQuoted(utf8(start, (int) n), sb);
            return start + (int) n;
          }
        case OPAQUE:
          {
            ByteReader r = new ByteReader(b, at, limit - at);
            int mysqlType = r.readUnsignedByte();
            long n = r.readUvarint();
            if (n < 0 || n > r.remaining()) {
              throw new CodecException(at, "json opaque length " + n + " past the end");
            }
            int start = r.position();
            byte[] data = r.readBytes((int) n, "json opaque");
            sb.append("\"base64:type")
                .append(mysqlType)
                .append(':')
                .append(Base64.getEncoder().encodeToString(data))
                .append('"');
            return start + (int) n;
          }
        case DATE:
        case DATETIME:
        case TIMESTAMP:
          {
            MysqlTime t = MysqlTime.fromPacked(u64(at, limit), at);
            sb.append('"').append(code == DATE ? t.toDateString() : t.toString()).append('"');
            return at + 8;
          }
        case DURATION:
          {
            long nanos = u64(at, limit);
            u32(at + 8, limit);
            sb.append('"')
                .append(TimeCodec.formatDuration(java.time.Duration.ofNanos(nanos)))
                .append('"');
            return at + 12;
          }
        default:
          throw new CodecException(at, "invalid json type code 0x" + Integer.toHexString(code));
      }
    }

    private void appendLiteral(int lit, int at, StringBuilder sb) {
      switch (lit) {
        case LITERAL_NULL -> sb.append("null");
        case LITERAL_TRUE -> sb.append("true");
        case LITERAL_FALSE -> sb.append("false");
        default ->
            throw new CodecException(at, "invalid json literal 0x" + Integer.toHexString(lit));
      }
    }

    private int renderContainer(boolean object, int base, int limit, int depth, StringBuilder sb) {
      if (depth >= MAX_DEPTH) {
        throw new CodecException(base, "json nested deeper than " + MAX_DEPTH);
      }
      long count = u32(base, limit);
      long size = u32(base + 4, limit);
      if (size < 8 || size > limit - base) {
        throw new CodecException(base + 4, "json container size " + size + " out of range");
      }
      int end = base + (int) size;
      long entries = (object ? 11L : 5L) * count;
      if (entries > size - 8) {
        throw new CodecException(
            base, "json element count " + count + " too large for size " + size);
      }
      int n = (int) count;
      sb.append(object ? '{' : '[');
      int valueEntries = base + 8 + (object ? 6 * n : 0);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        if (object) {
          int ke = base + 8 + 6 * i;
          long keyOff = u32(ke, end);
          int keyLen = (b[ke + 4] & 0xFF) | (b[ke + 5] & 0xFF) << 8;
          if (keyOff > size || keyOff + keyLen > size) {
            throw new CodecException(ke, "json key past the end of its object");
          }
          appendQuoted(utf8(base + (int) keyOff, keyLen), sb);
          sb.append(": ");
        }
        int ve = valueEntries + 5 * i;
        int code = b[ve] & 0xFF;
        if (code == LITERAL) {
          spend(ve, sb);
          appendLiteral(b[ve + 1] & 0xFF, ve + 1, sb);
        } else {
          long off = u32(ve + 1, end);
          if (off >= size) {
            throw new CodecException(ve + 1, "json value offset " + off + " past its container");
          }
          render(code, base + (int) off, end, depth + 1, sb);
        }
      }
      sb.append(object ? '}' : ']');
      return end;
    }

    private String utf8(int at, int n) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, at, n))
            .toString();
      } catch (CharacterCodingException e) {
        throw new CodecException(at, "json string is not valid UTF-8", e);
      }
    }
  }

  static void appendQuoted(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Go-style shortest float text ('e' form below 1e-6 and from 1e21), with ".0" if integral. */
  static String formatFloat(double f) {
    if (f == 0) {
      return (1 / f < 0) ? "-0.0" : "0.0";
    }
    double abs = Math.abs(f);
    BigDecimal d = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    if (abs < 1e-6 || abs >= 1e21) {
      String digits = d.unscaledValue().abs().toString();
      int exp = digits.length() - 1 - d.scale();
      StringBuilder sb = new StringBuilder();
      if (f < 0) {
        sb.append('-');
      }
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? "-" : "+").append(Math.abs(exp));
      return sb.toString();
    }
    String s = d.toPlainString();
    return s.indexOf('.') < 0 ? s + ".0" : s;
  }

  // ---------------------------------------------------------------- text -> binary

  /** Parses JSON text into a binary JSON datum. */
  public static Datum.Json fromText(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CodecException(-1, "invalid JSON text: " + e.getOriginalMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new CodecException(-1, "empty JSON text");
    }
    return fromNode(node);
  }

  /** Encodes a Jackson tree as binary JSON. */
  public static Datum.Json fromNode(JsonNode node) {
    ByteWriter w = new ByteWriter();
    int code = encode(node, w, 0);
    return new Datum.Json(code, w.toByteArray());
  }

  private static int typeOf(JsonNode n) {
    if (n.isObject()) {
      return OBJECT;
    } else if (n.isArray()) {
      return ARRAY;
    } else if (n.isNull() || n.isBoolean()) {
      return LITERAL;
    } else if (n.isIntegralNumber()) {
      if (n.canConvertToLong()) {
        return INT64;
      }
      BigInteger v = n.bigIntegerValue();
      return v.signum() > 0 && v.bitLength() <= 64 ? UINT64 : FLOAT64;
    } else if (n.isNumber()) {
      return FLOAT64;
    } else if (n.isTextual()) {
      return STRING;
    }
    throw new CodecException(-1, "cannot encode JSON node of type " + n.getNodeType());
  }

  private static int encode(JsonNode n, ByteWriter w, int depth) {
    if (depth > MAX_DEPTH) {
      throw new CodecException(-1, "JSON nested deeper than " + MAX_DEPTH);
    }
    int code = typeOf(n);
    switch (code) {
      case OBJECT -> {
        List<Map.Entry<byte[], JsonNode>> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          entries.add(Map.entry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
        }
        entries.sort((a, c) -> java.util.Arrays.compareUnsigned(a.getKey(), c.getKey()));
        writeContainer(w, entries, depth, true);
      }
      case ARRAY -> {
        List<Map.Entry<byte[], JsonNode>> entries = new ArrayList<>();
        for (JsonNode e : n) {
          entries.add(Map.entry(new byte[0], e));
        }
        writeContainer(w, entries, depth, false);
      }
      case LITERAL -> w.writeByte(literalOf(n));
      case INT64 -> writeLE(w, n.longValue());
      case UINT64 -> writeLE(w, n.bigIntegerValue().longValue());
      case FLOAT64 -> {
        double f = n.doubleValue();
        if (!Double.isFinite(f)) {
          throw new CodecException(-1, "JSON number out of float64 range");
        }
        writeLE(w, Double.doubleToRawLongBits(f));
      }
      case STRING -> {
        byte[] s = checkedUtf8(n.textValue());
        w.writeUvarint(s.length).writeBytes(s);
      }
      default -> throw new IllegalStateException();
    }
    return code;
  }

  private static byte[] checkedUtf8(String s) {
    return ValueCodec.encodeStrictly(s, StandardCharsets.UTF_8, "JSON string is not valid Unicode");
  }

  private static int literalOf(JsonNode n) {
    if (n.isNull()) {
      return LITERAL_NULL;
    }
    return n.booleanValue() ? LITERAL_TRUE : LITERAL_FALSE;
  }

  private static void writeLE(ByteWriter w, long v) {
    for (int i = 0; i < 8; i++) {
      w.writeByte((int) (v >>> (8 * i)));
    }
  }

  private static void writeContainer(
      ByteWriter w, List<Map.Entry<byte[], JsonNode>> entries, int depth, boolean object) {
    int n = entries.size();
    ByteWriter c = new ByteWriter();
    c.writeBytes(new byte[8]);
    int headerLen = 8 + (object ? 11 * n : 5 * n);
    ByteWriter keys = new ByteWriter();
    if (object) {
      for (Map.Entry<byte[], JsonNode> e : entries) {
        byte[] k = e.getKey();
        if (k.length > 0xFFFF) {
          throw new CodecException(-1, "JSON object key longer than 65535 bytes");
        }
        int off = headerLen + keys.size();
        c.writeByte(off).writeByte(off >>> 8).writeByte(off >>> 16).writeByte(off >>> 24);
        c.writeByte(k.length).writeByte(k.length >>> 8);
        keys.writeBytes(k);
      }
    }
    int valuesStart = headerLen + keys.size();
    ByteWriter values = new ByteWriter();
    for (Map.Entry<byte[], JsonNode> e : entries) {
      JsonNode v = e.getValue();
      int code = typeOf(v);
      c.writeByte(code);
      if (code == LITERAL) {
        c.writeByte(literalOf(v)).writeByte(0).writeByte(0).writeByte(0);
      } else {
        int off = valuesStart + values.size();
        c.writeByte(off).writeByte(off >>> 8).writeByte(off >>> 16).writeByte(off >>> 24);
        encode(v, values, depth + 1);
      }
    }
    c.writeBytes(keys.toByteArray()).writeBytes(values.toByteArray());
    c.putIntLE(0, n);
    c.putIntLE(4, c.size());
    w.writeBytes(c.toByteArray());
  }
}
