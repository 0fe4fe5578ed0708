package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JvmProcessTest {
  private static final Duration START = Duration.ofSeconds(30);

  /** The child: prints its pid, env and heap limit, then sleeps or exits as told. */
  public static final class Child {
    private Child() {}

    public static void main(final String[] args) throws Exception {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
      System.out.println(
          "ready pid="
              + ProcessHandle.current().pid()
              + " env="
              + System.getenv("JVM_PROCESS_TEST")
              + " maxHeap="
              + Runtime.getRuntime().maxMemory()
              + " args="
              + String.join(",", args));
      if (args[0].equals("exit")) {
        System.err.println("exiting on stderr");
        System.exit(Integer.parseInt(args[1]));
      }
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void passesArgsEnvAndJvmOptionsAndFindsLinesWithTheirGroups() throws Exception {
    try (JvmProcess child =
        JvmProcess.builder(Child.class)
            .jvmOptions("-Xmx64m")
            .args("sleep", "x")
            .env("JVM_PROCESS_TEST", "hello")
            .start()) {
      final MatchResult ready =
          child.awaitLine(Pattern.compile("ready pid=(\\d+) env=(\\S+) maxHeap=(\\d+)"), START);
      assertThat(Long.parseLong(ready.group(1))).isEqualTo(child.pid());
      assertThat(ready.group(2)).isEqualTo("hello");
      assertThat(Long.parseLong(ready.group(3))).isLessThanOrEqualTo(64L << 20);
      assertThat(child.output()).contains("args=sleep,x");
      assertThat(child.exitCode()).isEmpty();
    }
  }

  @Test
  void terminateSendsSigtermSoShutdownHooksRun() throws Exception {
    try (JvmProcess child = JvmProcess.builder(Child.class).args("sleep").start()) {
      child.awaitLine(Pattern.compile("ready"), START);
      final int code = child.terminate(Duration.ofSeconds(20));
      assertThat(code).isEqualTo(128 + 15);
      assertThat(child.output()).contains("hook ran");
      assertThat(child.exitCode()).hasValue(143);
    }
  }

  @Test
  void kill9SendsSigkillSoNoShutdownHookRuns() throws Exception {
    try (JvmProcess child = JvmProcess.builder(Child.class).args("sleep").start()) {
      child.awaitLine(Pattern.compile("ready"), START);
      assertThat(child.kill9()).isEqualTo(128 + 9);
      assertThat(child.isAlive()).isFalse();
      assertThat(child.output()).doesNotContain("hook ran");
    }
  }

  @Test
  void reportsTheExitCodeAndFailsAWaitForALineThatNeverCame() throws Exception {
    try (JvmProcess child =
        JvmProcess.builder(Child.class).name("exits").args("exit", "3").start()) {
      assertThat(child.waitFor(START)).isEqualTo(3);
      assertThat(child.awaitLine(Pattern.compile("exiting on (\\w+)"), START).group(1))
          .isEqualTo("stderr");
      assertThatThrownBy(() -> child.awaitLine(Pattern.compile("never printed"), START))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("exited with code 3")
          .hasMessageContaining("ready pid=");
      assertThat(child.log().getFileName().toString()).startsWith("exits-");
    }
  }

  @Test
  void closeKillsAChildThatStillRuns() throws Exception {
    final JvmProcess child = JvmProcess.builder(Child.class).args("sleep").start();
    child.awaitLine(Pattern.compile("ready"), START);
    child.close();
    assertThat(child.isAlive()).isFalse();
    assertThatThrownBy(() -> child.awaitLine(Pattern.compile("never"), Duration.ofSeconds(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited with code 137");
  }
}
