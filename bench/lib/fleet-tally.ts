/**
 * What a subscriber fleet counts, whatever its transport: the deliveries of
 * the current measurement tag with their receipt latency (from the send time
 * the simulator wrote into the event's referenceId), and the subscriptions
 * that failed or were ended by the server.
 */
import { epochMs } from './clock.js';

export interface FleetFailures {
  errors: number;
  ended: number;
  samples: readonly string[];
}

export class FleetTally {
  #errors = 0;
  #ended = 0;
  readonly #errorSamples: string[] = [];
  #tag: string | undefined;
  #offsetMs = 0;
  #received = 0;
  #latencies: number[] = [];

  /** Subscription errors (error results, stream errors) and completions the server sent. */
  get failures(): FleetFailures {
    return { errors: this.#errors, ended: this.#ended, samples: this.#errorSamples };
  }

  get received(): number {
    return this.#received;
  }

  get latencies(): readonly number[] {
    return this.#latencies;
  }

  /** Starts counting deliveries of events tagged `tag`; `offsetMs` = simulator clock - this clock. */
  measure(tag: string, offsetMs: number): void {
    this.#tag = tag;
    this.#offsetMs = offsetMs;
    this.#received = 0;
    this.#latencies = [];
  }

  /** One result received: an error result counts as a failure, an event of the current tag as a delivery. */
  result(result: { data?: { outboundRecordEvents?: { referenceId?: string | null } } | null; errors?: unknown }): void {
    if (result.errors) return this.fail(`error result: ${JSON.stringify(result.errors).slice(0, 300)}`);
    const referenceId = result.data?.outboundRecordEvents?.referenceId;
    if (!referenceId || this.#tag === undefined) return;
    const [tag, , sentAt] = referenceId.split(':');
    if (tag !== this.#tag) return; // a late delivery of an earlier measurement
    this.#received++;
    this.#latencies.push(epochMs() - Number(sentAt) + this.#offsetMs);
  }

  ended(): void {
    this.#ended++;
  }

  fail(message: string): void {
    this.#errors++;
    if (this.#errorSamples.length < 5) this.#errorSamples.push(message);
  }
}
