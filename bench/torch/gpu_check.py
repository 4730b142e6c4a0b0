#!/usr/bin/env python3
"""
The torch device's GPU check: one self-contained script for a machine that has a GPU and Python with
torch (no Node, nothing downloaded: models/demo-arith travels with the repository, larger shapes are
random weights from a config this script writes). It runs the trainer's own worker code
(libs/torch/python/worker.py and decoder.py).

    python3 bench/torch/gpu_check.py                 # on a GPU machine: ≤ 10 minutes on one H100
    python3 bench/torch/gpu_check.py --sizes 0.5b,1.5b
    python3 bench/torch/gpu_check.py --smoke         # tiny shapes on whatever is there (CPU here), seconds

It measures
  (a) demo-arith greedy completions: CUDA float32 equal to CPU float32 (and to golden.json), with and
      without adapters, and bfloat16's agreement rate with float32;
  (b) a random model with Qwen2.5-0.5B's shapes (and 1.5B with --sizes): ES generation throughput at
      population 32 × batch 16 = 512 rows (every candidate its own adapter row), tokens/s, GPU memory,
      and one GRPO step (group 8 × 16 prompts: sampling + autograd) in seconds;
  (c) the same population the way a transformers + PEFT user evaluates it today: `generate` one adapter
      at a time (32 calls of 16 rows), tokens/s, and (b)'s ratio to it;
  (d) (b)'s workload, scaled down, on this machine's CPU (torch; ONNX Runtime is Node-only, see
      npm run bench:torch).
Human lines first; the last line is the JSON summary.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from typing import Optional

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'libs', 'torch', 'python'))
from decoder import Adapter, Decoder, DecoderConfig, Site, generate, load_checkpoint  # noqa: E402
from worker import Worker  # noqa: E402

DEMO = os.path.join(ROOT, 'models', 'demo-arith')
MODULES = ('q', 'k', 'v', 'o', 'gate', 'up', 'down')

# Qwen2.5's shapes (config.json of Qwen/Qwen2.5-0.5B-Instruct and -1.5B-Instruct, as published).
QWEN = {
    '0.5b': dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2),
    '1.5b': dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2),
    'smoke': dict(hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2),
}


def log(*args: object) -> None:
    print(*args, flush=True)


def sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


# ---- (a) demo-arith --------------------------------------------------------------------------------

def demo_ids(text: str, vocab: dict) -> list[int]:
    """demo-arith's tokenizer is one token per character, after BOS (0)."""
    return [0] + [vocab[c] for c in text]


def random_adapter(dec: Decoder, rank: int, u: int, tie_all: bool, seed: int, layers: Optional[list[int]] = None) -> Adapter:
    """Frozen branches of random factors (the check compares devices; the trainer ships libs/tinylora's SVD)."""
    g = torch.Generator().manual_seed(seed)
    sites = {}
    layers = layers if layers is not None else list(range(dec.cfg.n_layers))
    for t, (layer, module) in enumerate((l, m) for l in layers for m in MODULES):
        i, o = dec.cfg.linear_shape(module)
        sites[(layer, module)] = Site(group=0 if tie_all else t,
                                      down=(torch.randn(i, rank, generator=g) / math.sqrt(i)).to(dec.device, dec.dtype),
                                      up=(torch.randn(rank, o, generator=g) * 0.5).to(dec.device, dec.dtype),
                                      P=torch.randn(u, rank * rank, generator=g).to(dec.device))
    return Adapter(rank=rank, u=u, groups=1 if tie_all else len(sites), sites=sites)


def check_demo(cuda: bool, held: int) -> dict:
    """
    Greedy on golden.json's prompts and the first `held` held-out problems, with and without adapters:
    CPU float32 (the reference), CUDA float32 and bfloat16 (or CPU bfloat16 without a GPU).
    """
    cfg, weights = load_checkpoint(DEMO)
    vocab = json.load(open(os.path.join(DEMO, 'tokenizer.json')))['model']['vocab']
    inverse = {i: c for c, i in vocab.items()}
    golden = json.load(open(os.path.join(DEMO, 'golden.json')))
    heldout = [json.loads(line) for line in open(os.path.join(DEMO, 'heldout.jsonl'))][:held]
    prompts = [demo_ids(g['prompt'], vocab) for g in golden] + [demo_ids(h['prompt'], vocab) for h in heldout]
    runs: dict = {}
    runs_on = [('cpu', torch.float32)] + ([('cuda', torch.float32), ('cuda', torch.bfloat16)] if cuda else [('cpu', torch.bfloat16)])
    for device, dtype in runs_on:
        dec = Decoder(cfg, weights, device, dtype)
        adapter = random_adapter(dec, 2, 13, True, 7, layers=[cfg.n_layers - 1])
        v = (torch.randn(len(prompts), 1, 13, generator=torch.Generator().manual_seed(3)) * 0.5).to(dec.device)
        name = f'{device}/{str(dtype)[6:]}'
        started = time.perf_counter()
        base = generate(dec, prompts, 24, [1])
        adapted = generate(dec, prompts, 24, [1], adapter, v)
        sync(dec.device)
        runs[name] = {'base': base, 'adapted': adapted, 'seconds': time.perf_counter() - started}
    ref = runs['cpu/float32']
    text = [''.join(inverse[t] for t in row) for row in ref['base'][:len(golden)]]
    out = {'golden_match': f"{sum(t == g['completion'] for t, g in zip(text, golden))}/{len(golden)}", 'rows': len(prompts)}
    for name, r in runs.items():
        if name == 'cpu/float32':
            continue
        key = name.replace('/', '_').replace(':', '')
        out[f'{key}_equal_cpu_float32'] = r['base'] == ref['base'] and r['adapted'] == ref['adapted']
        out[f'{key}_agreement'] = round(sum(a == b for a, b in zip(r['base'] + r['adapted'], ref['base'] + ref['adapted'])) / (2 * len(prompts)), 4)
    log(f"(a) demo-arith: golden {out['golden_match']}; " + ', '.join(f'{k} {v}' for k, v in out.items() if k.endswith(('_equal_cpu_float32', '_agreement'))))
    return out


# ---- (b) ES throughput and a GRPO step on Qwen2.5 shapes -------------------------------------------

def qwen_config(size: str, vocab: int) -> dict:
    return {'architectures': ['Qwen2ForCausalLM'], 'model_type': 'qwen2', 'vocab_size': vocab, 'rms_norm_eps': 1e-6,
            'rope_theta': 1000000.0, 'max_position_embeddings': 32768, 'tie_word_embeddings': True, 'hidden_act': 'silu',
            'bos_token_id': 151643, 'eos_token_id': 151645, 'torch_dtype': 'bfloat16', **QWEN[size]}


def random_decoder(hf: dict, device: str, dtype: torch.dtype) -> Decoder:
    """Random weights with the config's shapes, made on the device (std 0.02, norms 1, biases 0)."""
    cfg = DecoderConfig.from_hf(hf)
    gen = torch.Generator(device=device).manual_seed(0)
    w: dict[str, torch.Tensor] = {}

    def randn(*shape: int) -> torch.Tensor:
        return (torch.randn(shape, generator=gen, device=device, dtype=torch.float32) * 0.02).to(dtype)

    w['model.embed_tokens.weight'] = randn(cfg.vocab_size, cfg.dim)
    w['model.norm.weight'] = torch.ones(cfg.dim, device=device, dtype=dtype)
    for layer in range(cfg.n_layers):
        for norm in ('input_layernorm', 'post_attention_layernorm'):
            w[f'model.layers.{layer}.{norm}.weight'] = torch.ones(cfg.dim, device=device, dtype=dtype)
        for module in MODULES:
            i, o = cfg.linear_shape(module)
            part = 'self_attn' if module in ('q', 'k', 'v', 'o') else 'mlp'
            w[f'model.layers.{layer}.{part}.{module}_proj.weight'] = randn(o, i)
            if module in ('q', 'k', 'v'):
                w[f'model.layers.{layer}.{part}.{module}_proj.bias'] = torch.zeros(o, device=device, dtype=dtype)
    return Decoder(cfg, w, device, dtype)


def es_population(dec: Decoder, adapter: Optional[Adapter], population: int, batch: int, prompt_len: int, new_tokens: int, seed: int) -> dict:
    """One ES generation: `population` candidates × the same `batch` prompts, one adapter row each (none: the base model), one batched call."""
    g = torch.Generator().manual_seed(seed)
    prompts = torch.randint(0, dec.cfg.vocab_size, (batch, prompt_len), generator=g).tolist()
    rows = [p for _ in range(population) for p in prompts]  # candidate-major, as libs/engine's objectives
    v = None if adapter is None else (torch.randn(population, adapter.groups, adapter.u, generator=g) * 0.02).repeat_interleave(batch, 0).to(dec.device)
    if dec.device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(dec.device)
    sync(dec.device)
    started = time.perf_counter()
    out = generate(dec, rows, new_tokens, [], adapter, v)
    sync(dec.device)
    seconds = time.perf_counter() - started
    tokens = sum(len(r) for r in out)
    result = {'rows': len(rows), 'prompt_tokens': prompt_len, 'new_tokens': new_tokens, 'seconds': round(seconds, 3), 'tokens_per_s': round(tokens / seconds, 1)}
    if dec.device.type == 'cuda':
        result['peak_memory_gib'] = round(torch.cuda.max_memory_allocated(dec.device) / 2**30, 2)
    return result


def grpo_step(dec: Decoder, adapter: Adapter, group: int, prompts: int, prompt_len: int, new_tokens: int) -> dict:
    """One GRPO step through the worker's own handlers: sample group × prompts rows, then the autograd gradient."""
    worker = Worker(str(dec.device), dec.dtype)
    worker.models['m'] = dec
    worker.adapters['a'] = ('m', adapter)
    g = torch.Generator().manual_seed(1)
    ps = torch.randint(0, dec.cfg.vocab_size, (prompts, prompt_len), generator=g).tolist()
    rows = [p for p in ps for _ in range(group)]
    v = torch.randn(adapter.groups * adapter.u, generator=g) * 0.02
    flat = torch.tensor([t for r in rows for t in r], dtype=torch.int32)
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.int32)
    sync(dec.device)
    started = time.perf_counter()
    _, sampled = worker.generate({'adapter_id': 'a', 'max_new_tokens': new_tokens, 'stop_ids': [], 'temperature': 1.0, 'seed': 5, 'max_batch': len(rows)},
                                 {'ids': flat, 'lengths': lengths, 'v': v})
    sync(dec.device)
    sample_s = time.perf_counter() - started
    weights = torch.randn(len(rows), dtype=torch.float64) / (len(rows) * new_tokens)
    started = time.perf_counter()
    _, grad = worker.gradient({'adapter_id': 'a', 'max_batch': 32},  # the trainer's chunks: activations of 32 rows at a time
                              {'context_ids': flat, 'context_lengths': lengths, 'continuation_ids': sampled['ids'], 'continuation_lengths': sampled['lengths'],
                               'weights': weights, 'kl_weights': torch.zeros(len(rows), dtype=torch.float64), 'v': v})
    sync(dec.device)
    grad_s = time.perf_counter() - started
    assert torch.isfinite(grad['grad']).all(), 'the GRPO gradient is not finite'
    return {'rows': len(rows), 'sample_seconds': round(sample_s, 3), 'gradient_seconds': round(grad_s, 3), 'step_seconds': round(sample_s + grad_s, 3)}


# ---- (c) the transformers + PEFT way ---------------------------------------------------------------

def peft_population(hf: dict, device: str, dtype: torch.dtype, population: int, batch: int, prompt_len: int, new_tokens: int) -> dict:
    """`generate` one adapter at a time, as a PEFT user evaluates an ES population: population calls of batch rows."""
    try:
        import transformers
        import peft
    except ImportError as err:
        return {'skipped': f'transformers/peft not importable ({err})'}
    config = transformers.Qwen2Config(**{k: v for k, v in hf.items() if k not in ('architectures', 'model_type', 'torch_dtype')})
    torch.manual_seed(0)
    with torch.device(device):
        model = transformers.Qwen2ForCausalLM(config).to(dtype)
    targets = [f'{m}_proj' for m in MODULES]
    try:  # the paper's method, where this peft has it; else LoRA at rank 2 (the same per-adapter cost class)
        wrapped, method = peft.get_peft_model(model, peft.TinyLoraConfig(r=2, target_modules=targets)), 'tinylora'
    except Exception as err:  # no TinyLoraConfig in this peft, or other arguments
        log(f'    peft TinyLoRA unavailable ({type(err).__name__}: {err}); using LoRA r=2')
        wrapped, method = peft.get_peft_model(model, peft.LoraConfig(r=2, target_modules=targets)), 'lora-r2'
    model = wrapped.eval()
    trainable = [p for p in model.parameters() if p.requires_grad]
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(0, hf['vocab_size'], (batch, prompt_len), generator=g).to(device)
    mask = torch.ones_like(ids)

    def run(n: int) -> float:
        sync(torch.device(device))
        started = time.perf_counter()
        for _ in range(n):
            with torch.no_grad():
                for p in trainable:  # this candidate's adapter
                    p.add_(torch.randn(p.shape, generator=g).to(p.device, p.dtype) * 0.02)
                model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=0)
        sync(torch.device(device))
        return time.perf_counter() - started

    run(1)  # warm-up
    seconds = run(population)
    tokens = population * batch * new_tokens
    return {'method': method, 'transformers': transformers.__version__, 'peft': peft.__version__, 'calls': population, 'rows_per_call': batch,
            'seconds': round(seconds, 3), 'tokens_per_s': round(tokens / seconds, 1)}


# ---- main ------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--smoke', action='store_true', help='tiny shapes, seconds: keeps this script from rotting (runs in npm test)')
    parser.add_argument('--sizes', default='0.5b', help='comma-separated Qwen2.5 shapes for (b)/(c): 0.5b, 1.5b')
    parser.add_argument('--dtype', default='bfloat16', choices=['bfloat16', 'float16', 'float32'], help='dtype of (b) and (c) on the GPU')
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    gpu = torch.cuda.get_device_name(0) if cuda else None
    log(f'torch {torch.__version__}, python {sys.version.split()[0]}, GPU: {gpu or "none"}, CPU threads {torch.get_num_threads()}')
    summary: dict = {'torch': torch.__version__, 'gpu': gpu, 'smoke': args.smoke}
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 means float32, as in the worker
        torch.backends.cudnn.allow_tf32 = False

    # (a)
    summary['a'] = check_demo(cuda, 16 if args.smoke else 240)

    # (b), (c), (d)
    population, batch, prompt_len, new_tokens, group, grpo_prompts = (4, 4, 16, 8, 4, 4) if args.smoke else (32, 16, 128, 64, 8, 16)
    sizes = ['smoke'] if args.smoke else args.sizes.split(',')
    device = 'cuda' if cuda else 'cpu'
    dtype = {'bfloat16': torch.bfloat16, 'float16': torch.float16, 'float32': torch.float32}[args.dtype] if cuda else torch.float32
    summary['b'], summary['c'], summary['d'] = {}, {}, {}
    for size in sizes:
        hf = qwen_config(size, 1024 if size == 'smoke' else 151936)
        with tempfile.TemporaryDirectory() as tmp:  # the config a user would download, written here
            with open(os.path.join(tmp, 'config.json'), 'w') as f:
                json.dump(hf, f, indent=2)
            hf = json.load(open(os.path.join(tmp, 'config.json')))
        started = time.perf_counter()
        dec = random_decoder(hf, device, dtype)
        adapter = random_adapter(dec, 2, 13, False, 11)  # every module of every block, its own v (the widest per-row case)
        log(f'(b) {size}: {sum(t.numel() for t in dec.w.values()) / 1e6:.0f}M parameters ({str(dtype)[6:]}, {device}) made in {time.perf_counter() - started:.1f} s; '
            f'{len(adapter.sites)} adapted linears, v [{adapter.groups}, {adapter.u}] per row')
        es_population(dec, adapter, 2, 2, prompt_len, 4, seed=0)  # warm-up (kernels, allocator)
        es = es_population(dec, adapter, population, batch, prompt_len, new_tokens, seed=1)
        base = es_population(dec, None, population, batch, prompt_len, new_tokens, seed=1)
        step = grpo_step(dec, adapter, group, grpo_prompts, prompt_len, new_tokens)
        summary['b'][size] = {'es': es, 'es_without_adapter': base, 'grpo_step': step}
        log(f'    ES {population}×{batch} rows: {es["tokens_per_s"]} tokens/s ({es["seconds"]} s{", peak " + str(es["peak_memory_gib"]) + " GiB" if "peak_memory_gib" in es else ""}); '
            f'without adapters {base["tokens_per_s"]} tokens/s; GRPO step ({step["rows"]} rows) {step["step_seconds"]} s '
            f'(sample {step["sample_seconds"]}, gradient {step["gradient_seconds"]})')
        del dec, adapter
        if cuda:
            torch.cuda.empty_cache()
        c = peft_population(hf, device, dtype, population, batch, prompt_len, new_tokens)
        if 'tokens_per_s' in c:
            c['ratio'] = round(es['tokens_per_s'] / c['tokens_per_s'], 2)
            log(f'(c) {size}: transformers+PEFT ({c["method"]}), generate per adapter: {c["tokens_per_s"]} tokens/s; ours / theirs = {c["ratio"]}×')
        else:
            log(f'(c) {size}: {c["skipped"]}')
        summary['c'][size] = c
        # (d) the same workload shape on the CPU, scaled down (float32, as the trainer runs on a CPU)
        cpu_dec = random_decoder(hf, 'cpu', torch.float32)
        cpu_adapter = random_adapter(cpu_dec, 2, 13, False, 11)
        d = es_population(cpu_dec, cpu_adapter, 2 if not args.smoke else population, 4 if not args.smoke else batch, 32 if not args.smoke else prompt_len,
                          8 if not args.smoke else new_tokens, seed=1)
        summary['d'][size] = d
        log(f'(d) {size} on the CPU (float32): {d["rows"]} rows × {d["new_tokens"]} new tokens: {d["tokens_per_s"]} tokens/s')
        del cpu_dec, cpu_adapter
    print(json.dumps(summary))


if __name__ == '__main__':
    main()
