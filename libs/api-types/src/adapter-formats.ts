/**
 * `GET /trials/:id/adapter?format=`: `tinysweep` the adapter file (JSON); `peft-lora` a PEFT LoRA
 * directory and `merged` the base Hugging Face model with the adapter merged in, each a tar archive.
 */
export const ADAPTER_FORMATS = ['tinysweep', 'peft-lora', 'merged'] as const;
export type AdapterFormat = (typeof ADAPTER_FORMATS)[number];
