import { trace, type Tracer } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry's Node SDK, which reads the rest of its settings
 * (exporter, endpoint, protocol, sampler, batching, resource) from the
 * standard OTEL_* variables. Once per process, by the server, before it
 * builds the app; imported only then, so a server without tracing never
 * loads the SDK.
 */
export function startTracing(env: Record<string, string | undefined>): Tracing {
  const sdk = new NodeSDK(env.OTEL_SERVICE_NAME?.trim() ? {} : { serviceName: "inkwell" });
  sdk.start();
  return { tracer: trace.getTracer("inkwell"), shutdown: () => sdk.shutdown() };
}
