package io.kafkabinlog.pump.ingest;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Makes a server method answer a request its marshaller refuses with the marshaller's own status.
 *
 * <p>Why: grpc-java's server closes a call whose request marshaller throws with {@code UNKNOWN:
 * Application error processing RPC}, whatever the thrown status said (ServerImpl's {@code
 * internalClose}; checked in 1.82), and logs the exception as uncaught. So the method is served
 * with a request type that is either the parsed request or the parser's {@link
 * StatusRuntimeException}; the first reaches the original handler, the second closes the call with
 * that status (e.g. {@code INVALID_ARGUMENT: malformed binlog.WriteBinlogReq at byte 7: ...}).
 */
public final class ParseFailureReporting {
  private ParseFailureReporting() {}

  /** A request, or why its bytes are not one. */
  public record Parsed<T>(T request, StatusRuntimeException failure) {
    public Parsed {
      if ((request == null) == (failure == null)) {
        throw new IllegalArgumentException("exactly one of request and failure");
      }
    }
  }

  /**
   * @return {@code method}, served under the same name with the same handler, reporting its request
   *     marshaller's {@link StatusRuntimeException}s to the client
   */
  public static <ReqT, RespT> ServerMethodDefinition<Parsed<ReqT>, RespT> of(
      final ServerMethodDefinition<ReqT, RespT> method) {
    final MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    return ServerMethodDefinition.create(
        descriptor.toBuilder(
                new ParsingMarshaller<>(descriptor.getRequestMarshaller()),
                descriptor.getResponseMarshaller())
            .build(),
        new Handler<>(descriptor, method.getServerCallHandler()));
  }

  private record ParsingMarshaller<T>(MethodDescriptor.Marshaller<T> delegate)
      implements MethodDescriptor.Marshaller<Parsed<T>> {
    @Override
    public InputStream stream(final Parsed<T> value) {
      return delegate.stream(value.request());
    }

    @Override
    public Parsed<T> parse(final InputStream stream) {
      try {
        return new Parsed<>(delegate.parse(stream), null);
      } catch (StatusRuntimeException e) {
        return new Parsed<>(null, e);
      }
    }
  }

  private record Handler<ReqT, RespT>(
      MethodDescriptor<ReqT, RespT> descriptor, ServerCallHandler<ReqT, RespT> delegate)
      implements ServerCallHandler<Parsed<ReqT>, RespT> {
    @Override
    public ServerCall.Listener<Parsed<ReqT>> startCall(
        final ServerCall<Parsed<ReqT>, RespT> call, final Metadata headers) {
      return new Listener<>(
          call, delegate.startCall(new UnwrappedCall<>(call, descriptor), headers));
    }
  }

  /** Hands parsed requests on; closes the call at the first refused one and ignores the rest. */
  private static final class Listener<ReqT, RespT> extends ServerCall.Listener<Parsed<ReqT>> {
    private final ServerCall<Parsed<ReqT>, RespT> call;
    private final ServerCall.Listener<ReqT> delegate;
    // Listener methods run one at a time (grpc serializes them per call).
    private boolean refused;

    Listener(final ServerCall<Parsed<ReqT>, RespT> call, final ServerCall.Listener<ReqT> delegate) {
      this.call = call;
      this.delegate = Objects.requireNonNull(delegate, "listener");
    }

    @Override
    public void onMessage(final Parsed<ReqT> message) {
      if (refused) {
        return;
      }
      if (message.failure() != null) {
        refused = true;
        final Metadata trailers = message.failure().getTrailers();
        call.close(message.failure().getStatus(), trailers != null ? trailers : new Metadata());
        return;
      }
      delegate.onMessage(message.request());
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      if (!refused) {
        delegate.onReady();
      }
    }
  }

  /** The call as the original handler expects it: its own method, its own request type. */
  private static final class UnwrappedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final ServerCall<Parsed<ReqT>, RespT> call;
    private final MethodDescriptor<ReqT, RespT> descriptor;

    UnwrappedCall(
        final ServerCall<Parsed<ReqT>, RespT> call,
        final MethodDescriptor<ReqT, RespT> descriptor) {
      this.call = call;
      this.descriptor = descriptor;
    }

    @Override
    public void request(final int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(final Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(final RespT message) {
      call.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void close(final Status status, final Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setMessageCompression(final boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(final String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(final int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return descriptor;
    }
  }
}
