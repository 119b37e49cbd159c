namespace AlertLinker.Operability;

/// <summary>How OTLP is spoken: gRPC (port 4317) or HTTP with protobuf bodies (port 4318, path /v1/traces).</summary>
public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}

/// <summary><c>AlertLinker:Telemetry</c>: where the service sends traces of itself (service.name <c>alertlinker</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "AlertLinker:Telemetry";

    public const string ServiceName = "alertlinker";

    /// <summary>OTLP collector, e.g. http://otel-collector:4317/ (gRPC) or http://otel-collector:4318/v1/traces (HttpProtobuf). Unset: no tracing.</summary>
    public Uri? OtlpEndpoint { get; set; }

    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;
}
