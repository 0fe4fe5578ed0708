package io.kafkabinlog.schemas.codec;

/** Flag bytes of TiDB's datum encoding ({@code pkg/util/codec/codec.go}). */
public final class DatumFlag {
  public static final int NIL = 0x00;
  public static final int BYTES = 0x01;
  public static final int COMPACT_BYTES = 0x02;
  public static final int INT = 0x03;
  public static final int UINT = 0x04;
  public static final int FLOAT = 0x05;
  public static final int DECIMAL = 0x06;
  public static final int DURATION = 0x07;
  public static final int VARINT = 0x08;
  public static final int UVARINT = 0x09;
  public static final int JSON = 0x0A;
  public static final int VECTOR_FLOAT32 = 0x14;
  public static final int MAX = 0xFA;

  private DatumFlag() {}
}
