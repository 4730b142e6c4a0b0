#!/usr/bin/env python3
"""
The PyTorch side of `npm run bench:engine`: the same Llama-family forward the tinysweep engine runs
(RMSNorm, RoPE, grouped-query attention, SwiGLU, tied lm_head, the TinyLoRA branch on every linear),
same config, batch and sequence length, random float32 weights (speed only), timed the same way as
bench/engine/run.ts times DecoderSession.forward (warm-up, then best and median of N).

    /usr/bin/python3 bench/engine/torch_forward.py '<json>'

<json>: {"dim", "n_layers", "n_heads", "n_kv_heads", "hidden", "vocab", "batch", "seq", "keep",
         "rank", "u", "groups", "threads", and either "serve": true (paired mode, below) or
         "warmup", "repeats", "variants": ["adapter", "base", "sdpa"] (standalone: times them itself)}

Paired mode (what run.ts uses, so torch and ORT are timed alternately under the same load on this
shared machine): prints one JSON line {"ready": true, torch/BLAS info} when the weights are built,
then answers every stdin line "adapter" | "base" | "sdpa" with one timed forward {"variant", "s"}.

Work per forward, matching the ONNX graph op for op where it matters for FLOPs:
  - every linear: y = x·Wᵀ (F.linear, W [out, in] like HF) plus, with the adapter,
    ((x·down)·R_bᵀ)·up where R_b = (1/√u)·reshape(v[b, group]·P) is formed per batch row, per site;
  - attention "eager" like the graph: scores = q·kᵀ·scale + mask (full T×S matrix, causal mask added,
    GQA by regrouping q to [B, kvH, nRep·T, hd], no K/V copy), softmax, ·V, merge heads, o_proj;
  - the KV "present" tensors are kept (returned), as the graph returns them;
  - the final norm and lm_head run on the last `keep` positions only (logits_to_keep).
  Variant "sdpa" swaps eager attention for F.scaled_dot_product_attention(is_causal) when torch has it
  (information only: torch 1.13 does not).

Standalone mode prints a few human lines (the BLAS in use, thread counts) and one JSON line last.
"""
import ctypes
import json
import math
import os
import sys
import time


def blas_info():
    """Which BLAS library this process really mapped, and OpenBLAS's own idea of its kernel/threads."""
    libs = sorted({line.split()[-1] for line in open('/proc/self/maps') if ('blas' in line or 'lapack' in line) and '/' in line})
    info = {'libraries': libs, 'openblas_config': None, 'openblas_core': None, 'openblas_threads': None}
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            get_config = lib.openblas_get_config
            get_config.restype = ctypes.c_char_p
            get_core = lib.openblas_get_corename
            get_core.restype = ctypes.c_char_p
            info['openblas_config'] = get_config().decode()
            info['openblas_core'] = get_core().decode()
            info['openblas_threads'] = int(lib.openblas_get_num_threads())
            break
        except (OSError, AttributeError):
            continue
    return info


def main():
    cfg = json.loads(sys.argv[1])
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(cfg['threads'])
    torch.manual_seed(0)
    # touch a matmul first so the BLAS library is loaded before we look for it
    torch.randn(64, 64) @ torch.randn(64, 64)
    blas = blas_info()
    print(f"torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, "
          f"BLAS {blas['libraries']}, OpenBLAS core {blas['openblas_core']}, OpenBLAS threads {blas['openblas_threads']}")
    print(f"OpenBLAS config: {blas['openblas_config']}")
    print(f"env OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')!r} OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE')!r}")

    D, L, H, KV, HID, V = cfg['dim'], cfg['n_layers'], cfg['n_heads'], cfg['n_kv_heads'], cfg['hidden'], cfg['vocab']
    B, T, keep, r, u, G = cfg['batch'], cfg['seq'], cfg['keep'], cfg['rank'], cfg['u'], cfg['groups']
    hd = D // H
    n_rep = H // KV
    eps = 1e-6
    scale = 1.0 / math.sqrt(hd)

    def randn(*shape, std=1.0):
        return torch.randn(*shape, dtype=torch.float32) * std

    shapes = {'q': (H * hd, D), 'k': (KV * hd, D), 'v': (KV * hd, D), 'o': (D, H * hd),
              'gate': (HID, D), 'up': (HID, D), 'down': (D, HID)}
    embed = randn(V, D)
    layers = []
    site = 0
    for _ in range(L):
        layer = {'in_norm': 1 + randn(D, std=0.1), 'post_norm': 1 + randn(D, std=0.1), 'w': {}, 'branch': {}}
        for name, (out_f, in_f) in shapes.items():
            layer['w'][name] = randn(out_f, in_f, std=1 / math.sqrt(in_f))
            # down = V [in, r], up = ΣUᵀ [r, out], P [u, r·r] (flattened as in the graph), group: fully tied → 0
            layer['branch'][name] = (randn(in_f, r, std=0.05), randn(r, out_f, std=0.5), randn(u, r * r), site % G)
            site += 1
        layers.append(layer)
    final_norm = 1 + randn(D, std=0.1)
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    pos = torch.arange(T, dtype=torch.float32)
    angles = torch.outer(pos, inv_freq)  # [T, hd/2]
    cos, sin = angles.cos()[None, None], angles.sin()[None, None]  # [1,1,T,hd/2]
    causal = torch.full((T, T), torch.finfo(torch.float32).min).triu(1)[None, None]  # [1,1,T,S]
    ids = torch.randint(0, V, (B, T))
    has_sdpa = hasattr(F, 'scaled_dot_product_attention')

    def rmsnorm(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w

    def rope(x):  # HF rotate_half pairs (i, i + hd/2)
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1)

    def linear(x, layer, name, v):
        y = F.linear(x, layer['w'][name])
        if v is not None:
            down, up, P, group = layer['branch'][name]
            Rt = ((v[:, group] @ P) * (1.0 / math.sqrt(u))).view(B, r, r).transpose(1, 2)  # R_bᵀ [B,r,r]
            y = y + torch.bmm(x @ down, Rt) @ up
        return y

    def attention(x, layer, v, sdpa):
        q = linear(x, layer, 'q', v).view(B, T, H, hd).transpose(1, 2)
        k = linear(x, layer, 'k', v).view(B, T, KV, hd).transpose(1, 2)
        val = linear(x, layer, 'v', v).view(B, T, KV, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        present = (k, val)
        if sdpa:
            kk = k.repeat_interleave(n_rep, dim=1)
            vv = val.repeat_interleave(n_rep, dim=1)
            ctx = F.scaled_dot_product_attention(q, kk, vv, is_causal=True)
        else:
            qg = q.reshape(B, KV, n_rep * T, hd)
            scores = (qg @ k.transpose(-1, -2)) * scale
            scores = scores.view(B, H, T, T) + causal
            probs = torch.softmax(scores, dim=-1).view(B, KV, n_rep * T, T)
            ctx = (probs @ val).view(B, H, T, hd)
        ctx = ctx.transpose(1, 2).reshape(B, T, H * hd)
        return linear(ctx, layer, 'o', v), present

    def forward(v, sdpa=False):
        x = embed[ids]
        presents = []
        for layer in layers:
            a, present = attention(rmsnorm(x, layer['in_norm']), layer, v, sdpa)
            presents.append(present)
            x = x + a
            h = rmsnorm(x, layer['post_norm'])
            m = F.silu(linear(h, layer, 'gate', v)) * linear(h, layer, 'up', v)
            x = x + linear(m, layer, 'down', v)
        x = rmsnorm(x[:, -keep:] if keep > 0 else x, final_norm)
        return x @ embed.T, presents

    v_rows = randn(B, G, u, std=0.02)
    info = {'torch_version': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas, 'has_sdpa': has_sdpa}

    def timed(variant):
        v = None if variant == 'base' else v_rows
        t0 = time.perf_counter()
        logits, _ = forward(v, variant == 'sdpa')
        float(logits[0, 0, 0])  # materialised (eager anyway)
        return time.perf_counter() - t0

    with torch.inference_mode():
        if cfg.get('serve'):
            # Paired mode (what run.ts uses): one JSON line when ready, then one timed forward per
            # request line ("adapter" | "base" | "sdpa") answered with {"variant", "s"}; EOF ends it.
            print(json.dumps({'ready': True, **info}), flush=True)
            for line in sys.stdin:
                variant = line.strip()
                if not variant:
                    continue
                if variant == 'sdpa' and not has_sdpa:
                    print(json.dumps({'variant': variant, 's': None}), flush=True)
                    continue
                print(json.dumps({'variant': variant, 's': timed(variant)}), flush=True)
            return
        results = dict(info)
        for variant in cfg['variants']:
            if variant == 'sdpa' and not has_sdpa:
                results[variant] = None
                continue
            for _ in range(cfg['warmup']):
                timed(variant)
            times = sorted(timed(variant) for _ in range(cfg['repeats']))
            results[variant] = {'best_s': times[0], 'median_s': times[len(times) // 2], 'runs_s': times}
            print(f"torch {variant}: best {times[0] * 1000:.1f} ms, median {times[len(times) // 2] * 1000:.1f} ms")
    print(json.dumps(results))


if __name__ == '__main__':
    main()
