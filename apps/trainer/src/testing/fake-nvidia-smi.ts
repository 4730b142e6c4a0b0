import { NVIDIA_SMI_ARGS, type RunCommand } from '../gpus.js';

/**
 * TEST DOUBLE — stands in for the `nvidia-smi` command on a machine without GPUs: answers the query
 * discoverGpus makes with the given CSV (as a real nvidia-smi prints it), or fails like a missing binary.
 */
export function fakeNvidiaSmi(csv: string | Error): RunCommand {
  return (file, args) => {
    if (file !== 'nvidia-smi' || args.join(' ') !== NVIDIA_SMI_ARGS.join(' ')) throw new Error(`fakeNvidiaSmi: unexpected command ${file} ${args.join(' ')}`);
    if (csv instanceof Error) throw csv;
    return csv;
  };
}
