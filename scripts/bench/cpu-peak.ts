import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** A theoretical fp32 peak per core: FMA units x SIMD lanes x 2 flops (multiply + add) x clock. */
export interface CpuPeak {
  readonly model: string;
  readonly clockGHz: number;
  readonly clockSource: string;
  readonly fp32Lanes: number;
  readonly fmaUnits: number;
  readonly gflopsPerCore: number;
  readonly derivation: string;
}

/** Used when neither the caller nor /proc/cpuinfo gives a clock. */
const FALLBACK_CLOCK_GHZ = 2.8;
/* cpuinfo cannot tell how many FMA ports a core has; server cores with AVX-512 mostly have two. */
const ASSUMED_FMA_UNITS = 2;

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

function field(cpuinfo: string, name: string): string | undefined {
  return new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim();
}

export function estimateCpuPeak(clockOverrideGHz?: number): CpuPeak {
  const cpuinfo = readCpuinfo();
  const flags = new Set((field(cpuinfo, 'flags') ?? '').split(/\s+/));
  const model = field(cpuinfo, 'model name') ?? cpus()[0]?.model ?? 'unknown CPU';
  const fp32Lanes = flags.has('avx512f') ? 16 : flags.has('avx2') ? 8 : 4;
  const fmaUnits = flags.has('fma') || flags.has('avx512f') ? ASSUMED_FMA_UNITS : 1;
  const cpuinfoMHz = Number(field(cpuinfo, 'cpu MHz'));
  const [clockGHz, clockSource] =
    clockOverrideGHz !== undefined
      ? [clockOverrideGHz, '--clock-ghz']
      : cpuinfoMHz > 0
        ? [cpuinfoMHz / 1000, '/proc/cpuinfo; under a hypervisor that is the nominal clock, turbo may run higher']
        : [FALLBACK_CLOCK_GHZ, `assumed ${FALLBACK_CLOCK_GHZ} GHz (no clock in /proc/cpuinfo)`];
  const flopsPerCycle = fmaUnits * fp32Lanes * 2;
  const gflopsPerCore = flopsPerCycle * clockGHz;
  const isa = fp32Lanes === 16 ? 'AVX-512' : fp32Lanes === 8 ? 'AVX2' : 'SSE';
  return {
    model,
    clockGHz,
    clockSource,
    fp32Lanes,
    fmaUnits,
    gflopsPerCore,
    derivation:
      `${fmaUnits} FMA units x ${fp32Lanes} fp32 lanes (${isa}) x 2 flops x ${clockGHz.toFixed(2)} GHz ` +
      `= ${gflopsPerCore.toFixed(0)} GFLOP/s per core (clock from ${clockSource})`,
  };
}
