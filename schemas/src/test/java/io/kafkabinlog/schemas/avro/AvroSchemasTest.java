package io.kafkabinlog.schemas.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues.JsonText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {

  @Test
  void schemasParseInTheirNamespace() {
    for (Schema s : AvroSchemas.topLevel()) {
      assertThat(s.getType()).isEqualTo(Schema.Type.RECORD);
      assertThat(s.getNamespace()).isEqualTo("io.kafkabinlog.avro");
      // self-contained: parses again on its own
      assertThat(new Schema.Parser().parse(s.toString())).isEqualTo(s);
    }
  }

  @Test
  void everyFieldAndNamedTypeHasADoc() {
    List<String> missing = new ArrayList<>();
    for (Schema s : AvroSchemas.topLevel()) {
      collectMissingDocs(s, new HashSet<>(), missing);
    }
    assertThat(missing).isEmpty();
  }

  private static void collectMissingDocs(
      final Schema s, final Set<String> seen, final List<String> missing) {
    switch (s.getType()) {
      case RECORD -> {
        if (!seen.add(s.getFullName())) {
          return;
        }
        if (isBlank(s.getDoc())) {
          missing.add(s.getFullName());
        }
        for (Schema.Field f : s.getFields()) {
          if (isBlank(f.doc())) {
            missing.add(s.getFullName() + "." + f.name());
          }
          collectMissingDocs(f.schema(), seen, missing);
        }
      }
      case ENUM -> {
        if (seen.add(s.getFullName()) && isBlank(s.getDoc())) {
          missing.add(s.getFullName());
        }
      }
      case UNION -> s.getTypes().forEach(t -> collectMissingDocs(t, seen, missing));
      case ARRAY -> collectMissingDocs(s.getElementType(), seen, missing);
      case MAP -> collectMissingDocs(s.getValueType(), seen, missing);
      default -> {}
    }
  }

  private static boolean isBlank(final String doc) {
    return doc == null || doc.isBlank();
  }

  static List<GenericRecord> sampleRow() {
    return List.of(
        ColumnValues.of("id", "bigint(20)", 42L),
        ColumnValues.of("u", "bigint(20) unsigned", new BigInteger("18446744073709551615")),
        ColumnValues.of("price", "decimal(10,2)", new BigDecimal("-12345678.90")),
        ColumnValues.of("f", "double", 1.5d),
        ColumnValues.of("name", "varchar(32)", "héllo"),
        ColumnValues.of("blob", "blob", new byte[] {0, 1, (byte) 0xff}),
        ColumnValues.of("d", "date", LocalDate.of(2024, 2, 29)),
        ColumnValues.of("dt", "datetime(6)", LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123456000)),
        ColumnValues.of("ts", "timestamp", Instant.parse("2024-01-01T00:00:00.000001Z")),
        ColumnValues.of("t", "time", Duration.ofHours(-838).minusMinutes(59)),
        ColumnValues.of("j", "json", new JsonText("{\"a\":[1,2]}")),
        ColumnValues.of("n", "int(11)", null),
        ColumnValues.of("y", "year", 2024));
  }

  @Test
  void transactionRoundTripsThroughAvroBinary() throws IOException {
    GenericRecord update =
        AvroEvents.rowChange("test", "t1", 77, ChangeType.UPDATE, sampleRow(), sampleRow());
    GenericRecord insert =
        AvroEvents.rowChange("test", "t1", 77, ChangeType.INSERT, null, sampleRow());
    GenericRecord txn =
        AvroEvents.transaction(1000L << 18, 999L << 18, 12, List.of(update, insert), null);
    GenericRecord back = roundTrip(txn, AvroSchemas.TRANSACTION);
    assertThat(back).isEqualTo(txn);

    GenericRecord first = (GenericRecord) ((List<?>) back.get("rows")).get(0);
    List<?> after = (List<?>) first.get("after");
    List<Object> values = new ArrayList<>();
    for (Object c : after) {
      values.add(ColumnValues.javaValue((GenericRecord) c));
    }
    assertThat(values.get(0)).isEqualTo(42L);
    assertThat(values.get(1)).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(values.get(2)).isEqualTo(new BigDecimal("-12345678.90"));
    assertThat(values.get(3)).isEqualTo(1.5d);
    assertThat(values.get(4)).isEqualTo("héllo");
    assertThat((byte[]) values.get(5)).containsExactly(0, 1, 0xff);
    assertThat(values.get(6)).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(values.get(7)).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123456000));
    assertThat(values.get(8)).isEqualTo(Instant.parse("2024-01-01T00:00:00.000001Z"));
    assertThat(values.get(9)).isEqualTo(Duration.ofHours(-838).minusMinutes(59));
    assertThat(values.get(10)).isEqualTo(new JsonText("{\"a\":[1,2]}"));
    assertThat(values.get(11)).isNull();
    assertThat(values.get(12)).isEqualTo(2024L);
  }

  @Test
  void ddlTransactionRoundTrips() throws IOException {
    GenericRecord ddl =
        AvroEvents.ddl("CREATE TABLE t1 (id bigint primary key)", 55, "test", "t1", "{\"id\":77}");
    GenericRecord txn = AvroEvents.transaction(5L << 18, 4L << 18, 13, List.of(), ddl);
    assertThat(roundTrip(txn, AvroSchemas.TRANSACTION)).isEqualTo(txn);
    GenericRecord dropDb = AvroEvents.ddl("DROP DATABASE x", 56, "x", null, null);
    GenericRecord txn2 = AvroEvents.transaction(6L << 18, 6L << 18, 14, List.of(), dropDb);
    assertThat(roundTrip(txn2, AvroSchemas.TRANSACTION)).isEqualTo(txn2);
  }

  @Test
  void resolvedTsEnvelopeAndKeyRoundTrip() throws IOException {
    GenericRecord marker = AvroEvents.resolvedTs(123L << 18, 2, 8);
    assertThat(roundTrip(marker, AvroSchemas.RESOLVED_TS)).isEqualTo(marker);

    GenericRecord envelope =
        AvroEvents.rowEnvelope(
            ChangeType.DELETE,
            sampleRow(),
            null,
            10L << 18,
            9L << 18,
            "test",
            "t1",
            1_700_000_000_000L);
    GenericRecord back = roundTrip(envelope, AvroSchemas.ROW_ENVELOPE);
    assertThat(back).isEqualTo(envelope);
    assertThat(back.get("op").toString()).isEqualTo("d");
    assertThat(((GenericRecord) back.get("source")).get("commit_ts")).isEqualTo(10L << 18);

    GenericRecord key =
        AvroEvents.rowKey("test", "t1", List.of(ColumnValues.of("id", "bigint(20)", 42L)));
    assertThat(roundTrip(key, AvroSchemas.ROW_KEY)).isEqualTo(key);
  }

  @Test
  void nameAndTypeAreKept() throws IOException {
    GenericRecord c = ColumnValues.of("name", "varchar(32)", "x");
    GenericRecord back = roundTrip(c, AvroSchemas.COLUMN_VALUE);
    assertThat(back.get("name").toString()).isEqualTo("name");
    assertThat(back.get("mysql_type").toString()).isEqualTo("varchar(32)");
    assertThat(back.getSchema().getFullName()).isEqualTo("io.kafkabinlog.avro.ColumnValue");
  }

  static GenericRecord roundTrip(final GenericRecord record, final Schema schema)
      throws IOException {
    assertThat(GenericData.get().validate(schema, record)).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
    GenericRecord back = new GenericDatumReader<GenericRecord>(schema).read(null, dec);
    assertThat(dec.isEnd()).isTrue();
    return back;
  }
}
