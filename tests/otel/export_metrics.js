// Records a counter, a gauge, a histogram, an exponential histogram and an up-down counter with
// known values through the real OpenTelemetry JS SDK and exports them to Osprey in two rounds,
// with the exporter named on the command line. Run by src/server/otlp_e2e_test.cc:
//
//   node export_metrics.js <proto|json|grpc> <endpoint> <service name> [delta]
//
// proto and json take the full OTLP/HTTP URL (http://127.0.0.1:4318/v1/metrics), grpc the
// server URL (http://127.0.0.1:4317). "delta" exports with DELTA temporality. Exits non-zero
// when an export fails.
'use strict';

const { metrics } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');
const { AggregationTemporalityPreference } = require('@opentelemetry/exporter-metrics-otlp-http');

const [protocol, endpoint, serviceName, temporality] = process.argv.slice(2);
if (!protocol || !endpoint || !serviceName) {
  console.error('usage: export_metrics.js <proto|json|grpc> <endpoint> <service name> [delta]');
  process.exit(2);
}

const exporterOptions = {
  url: endpoint,
  temporalityPreference: temporality === 'delta' ? AggregationTemporalityPreference.DELTA
                                                 : AggregationTemporalityPreference.CUMULATIVE,
};
let exporter;
if (protocol === 'proto') {
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
  exporter = new OTLPMetricExporter(exporterOptions);
} else if (protocol === 'json') {
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
  exporter = new OTLPMetricExporter(exporterOptions);
} else if (protocol === 'grpc') {
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
  exporter = new OTLPMetricExporter(exporterOptions);
} else {
  console.error(`unknown protocol ${protocol}`);
  process.exit(2);
}

async function main() {
  // A long interval: exports happen only at the forceFlush calls below.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3600000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.instance.id': 'instance-1',
      'deployment.environment': 'e2e',
    }),
    readers: [reader],
    views: [{
      instrumentName: 'e2e.size',
      aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
    }],
  });
  metrics.setGlobalMeterProvider(provider);
  const meter = provider.getMeter('osprey-e2e', '1.0.0');

  const requests = meter.createCounter('e2e.requests', { unit: '{request}' });
  const temperature = meter.createGauge('e2e.temperature', { unit: 'Cel' });
  const latency = meter.createHistogram('e2e.latency', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
  });
  const size = meter.createHistogram('e2e.size', { unit: 'By' });
  const queue = meter.createUpDownCounter('e2e.queue.size');
  const attrs = { 'http.route': '/a' };

  // Round 1.
  requests.add(5, attrs);
  temperature.record(20, attrs);
  latency.record(0.05, attrs);
  latency.record(0.3, attrs);
  size.record(3, attrs);
  queue.add(10, attrs);
  await reader.forceFlush();

  // Round 2, at least a millisecond later so both rounds have distinct timestamps.
  await new Promise((resolve) => setTimeout(resolve, 20));
  requests.add(2, attrs);
  temperature.record(21.5, attrs);
  latency.record(0.7, attrs);
  latency.record(2, attrs);
  size.record(5, attrs);
  queue.add(-3, attrs);
  await reader.forceFlush();
  await provider.shutdown();
}

main().then(
  () => console.log(`exported metrics over ${protocol} to ${endpoint}`),
  (err) => {
    console.error(`export failed: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
