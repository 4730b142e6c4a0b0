"""
A Llama-family decoder (Llama, Qwen2, Mistral; llama2.c .bin checkpoints) in plain PyTorch, with a
TinyLoRA branch on any linear whose adapter vector v differs per batch row, and a KV cache kept on
the device. It mirrors libs/model's ONNX graph op for op (libs/model/src/builder/model-builder.ts),
so on CPU in float32 both give the same greedy tokens.

    cfg = DecoderConfig.from_hf(json.load(open('models/demo-arith/config.json')))
    dec = Decoder(cfg, read_safetensors(['models/demo-arith/model.safetensors']), 'cpu', torch.float32)
    out = greedy(dec, [[0, 9, 7]], max_new_tokens=8, stop_ids=[1])

Only torch and the standard library: its own safetensors and llama2.c readers, no transformers.
Runs on torch 1.13 (Debian) and torch 2.x.

The TinyLoRA branch on a linear y = x·Wᵀ (W [out, in]) with frozen factors from W ≈ U Σ Vᵀ:
    R_b = (1/√u) Σᵢ v[b, group, i] · P[i]             [B, r, r], per batch row b
    y  += ((x · down) · R_bᵀ) · up                     down = V [in, r], up = Σ Uᵀ [r, out]
never a dense [out, in] delta per row.
"""
from __future__ import annotations

import json
import math
import mmap
import os
import struct
from dataclasses import dataclass, field
from typing import Optional

import torch
import torch.nn.functional as F

MODULES = ('q', 'k', 'v', 'o', 'gate', 'up', 'down')
ATTENTION_MODULES = ('q', 'k', 'v', 'o')


def f32(x: float) -> float:
    """x rounded to float32 (JavaScript's Math.fround), as a Python float."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


# ---- config ----------------------------------------------------------------------------------------

@dataclass
class DecoderConfig:
    """libs/model's DecoderConfig (config/decoder-config.ts), field for field in snake_case."""
    architecture: str  # llama | qwen2 | mistral
    vocab_size: int
    dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    hidden_dim: int
    norm_eps: float
    rope_theta: float
    rope_style: str  # 'half' (HF rotate_half) | 'interleaved' (llama2.c run.c)
    max_seq_len: int
    tied_embeddings: bool
    qkv_bias: bool
    rope_scaling: Optional[dict] = None  # {'type': 'linear', 'factor'} | {'type': 'llama3', ...} (camelCase keys)
    sliding_window: Optional[int] = None
    bos_token_id: int = -1
    eos_token_ids: list = field(default_factory=list)

    @staticmethod
    def from_json(d: dict) -> 'DecoderConfig':
        """From libs/model's DecoderConfig as JSON (camelCase): what the trainer sends."""
        eos = d.get('eosTokenId', [])
        return DecoderConfig(
            architecture=d['architecture'], vocab_size=d['vocabSize'], dim=d['dim'], n_layers=d['nLayers'],
            n_heads=d['nHeads'], n_kv_heads=d['nKvHeads'], head_dim=d['headDim'], hidden_dim=d['hiddenDim'],
            norm_eps=d['normEps'], rope_theta=d['ropeTheta'], rope_style=d['ropeStyle'], max_seq_len=d['maxSeqLen'],
            tied_embeddings=d['tiedEmbeddings'], qkv_bias=d['qkvBias'], rope_scaling=d.get('ropeScaling'),
            sliding_window=d.get('slidingWindow'), bos_token_id=d.get('bosTokenId', -1),
            eos_token_ids=list(eos) if isinstance(eos, list) else [eos])

    @staticmethod
    def from_hf(hf: dict, generation: Optional[dict] = None) -> 'DecoderConfig':
        """From a HF config.json (+ generation_config.json), with transformers' defaults (as hf-config.ts)."""
        generation = generation or {}
        kinds = {'LlamaForCausalLM': 'llama', 'Qwen2ForCausalLM': 'qwen2', 'MistralForCausalLM': 'mistral'}
        name = (hf.get('architectures') or [None])[0]
        if name not in kinds:
            raise ValueError(f'architecture {name} is not supported (supported: {", ".join(kinds)})')
        kind = kinds[name]
        if hf.get('hidden_act', 'silu') != 'silu':
            raise ValueError(f"hidden_act {hf.get('hidden_act')} is not supported (only silu)")
        dim, n_heads = hf['hidden_size'], hf['num_attention_heads']
        scaling = hf.get('rope_scaling')
        if scaling is not None:
            kind_of = scaling.get('rope_type', scaling.get('type'))
            if kind_of == 'default':
                scaling = None
            elif kind_of == 'linear':
                scaling = {'type': 'linear', 'factor': scaling['factor']}
            elif kind_of == 'llama3':
                scaling = {'type': 'llama3', 'factor': scaling['factor'], 'lowFreqFactor': scaling['low_freq_factor'],
                           'highFreqFactor': scaling['high_freq_factor'],
                           'originalMaxPositionEmbeddings': scaling['original_max_position_embeddings']}
            else:
                raise ValueError(f'rope_scaling type {kind_of} is not supported (default, linear, llama3)')
        eos = generation.get('eos_token_id', hf.get('eos_token_id', []))
        bos = generation.get('bos_token_id', hf.get('bos_token_id'))
        return DecoderConfig(
            architecture=kind, vocab_size=hf['vocab_size'], dim=dim, n_layers=hf['num_hidden_layers'], n_heads=n_heads,
            n_kv_heads=hf.get('num_key_value_heads', n_heads), head_dim=hf.get('head_dim', dim // n_heads),
            hidden_dim=hf['intermediate_size'], norm_eps=hf.get('rms_norm_eps', 1e-6), rope_theta=hf.get('rope_theta', 10000.0),
            rope_style='half', max_seq_len=hf.get('max_position_embeddings', 2048),
            tied_embeddings=hf.get('tie_word_embeddings', False) is True, qkv_bias=kind == 'qwen2' or hf.get('attention_bias') is True,
            rope_scaling=scaling, sliding_window=hf.get('sliding_window') if kind == 'mistral' else None,
            bos_token_id=bos if isinstance(bos, int) else -1,
            eos_token_ids=list(eos) if isinstance(eos, list) else [eos])

    def linear_shape(self, module: str) -> tuple[int, int]:
        """(in, out) of a linear module."""
        q, kv = self.n_heads * self.head_dim, self.n_kv_heads * self.head_dim
        return {'q': (self.dim, q), 'k': (self.dim, kv), 'v': (self.dim, kv), 'o': (q, self.dim),
                'gate': (self.dim, self.hidden_dim), 'up': (self.dim, self.hidden_dim), 'down': (self.hidden_dim, self.dim)}[module]


def linear_weight_name(layer: int, module: str) -> str:
    part = 'self_attn' if module in ATTENTION_MODULES else 'mlp'
    return f'model.layers.{layer}.{part}.{module}_proj.weight'


# ---- weights ---------------------------------------------------------------------------------------

_SAFETENSORS_DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16}


def read_safetensors(paths: list[str]) -> dict[str, torch.Tensor]:
    """Every tensor of one or more safetensors files (shards) as CPU tensors in their stored dtype."""
    out: dict[str, torch.Tensor] = {}
    for path in paths:
        with open(path, 'rb') as f:
            (header_len,) = struct.unpack('<Q', f.read(8))
            header = json.loads(f.read(header_len))
            # ACCESS_COPY: a writable (copy-on-write) view, so torch.frombuffer does not warn; nothing is written back
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        base = 8 + header_len
        for name, info in header.items():
            if name == '__metadata__':
                continue
            dtype = _SAFETENSORS_DTYPES.get(info['dtype'])
            if dtype is None:
                raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; only F32, F16 and BF16 are supported")
            if name in out:
                raise ValueError(f'tensor {name} appears in two shards')
            begin, end = info['data_offsets']
            count = math.prod(info['shape'])
            # a copy: offsets need not be aligned for the dtype, and the mapping can then be closed
            flat = torch.frombuffer(bytearray(mm[base + begin:base + end]), dtype=dtype, count=count) if count else torch.empty(0, dtype=dtype)
            out[name] = flat.reshape(info['shape'])
        mm.close()
    return out


def hf_weight_files(directory: str) -> list[str]:
    """model.safetensors, or the shards model.safetensors.index.json names (as hf-model.ts)."""
    single = os.path.join(directory, 'model.safetensors')
    if os.path.exists(single):
        return [single]
    index = os.path.join(directory, 'model.safetensors.index.json')
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f).get('weight_map', {})
        return [os.path.join(directory, name) for name in sorted(set(weight_map.values()))]
    raise ValueError(f'{directory}: no model.safetensors or model.safetensors.index.json')


def read_llama2c(path: str) -> tuple[DecoderConfig, dict[str, torch.Tensor]]:
    """A llama2.c legacy (v0) checkpoint: 7 int32 then float32 weights in run.c's order, under HF names."""
    with open(path, 'rb') as f:
        data = f.read()
    dim, hidden, n_layers, n_heads, n_kv, raw_vocab, seq_len = struct.unpack('<7i', data[:28])
    if raw_vocab == 0x616B3432:
        raise ValueError(f'{path}: versioned llama2.c export; only the legacy v0 format is supported')
    vocab, head_dim = abs(raw_vocab), dim // n_heads
    cfg = DecoderConfig(architecture='llama', vocab_size=vocab, dim=dim, n_layers=n_layers, n_heads=n_heads, n_kv_heads=n_kv,
                        head_dim=head_dim, hidden_dim=hidden, norm_eps=1e-5, rope_theta=10000.0, rope_style='interleaved',
                        max_seq_len=seq_len, tied_embeddings=raw_vocab > 0, qkv_bias=False, bos_token_id=1, eos_token_ids=[2])
    floats = torch.frombuffer(bytearray(data[28:]), dtype=torch.float32)
    kv_dim = n_kv * head_dim
    w: dict[str, torch.Tensor] = {}
    offset = 0

    def take(*shape: int) -> torch.Tensor:
        nonlocal offset
        count = math.prod(shape)
        if offset + count > floats.numel():
            raise ValueError(f'{path}: file ends early (header says dim={dim}, layers={n_layers}, vocab={vocab})')
        t = floats[offset:offset + count].reshape(shape)
        offset += count
        return t

    def per_layer(name: str, *shape: int) -> None:
        for i in range(n_layers):
            w[name.format(i)] = take(*shape)

    w['model.embed_tokens.weight'] = take(vocab, dim)
    per_layer('model.layers.{}.input_layernorm.weight', dim)
    per_layer('model.layers.{}.self_attn.q_proj.weight', dim, dim)
    per_layer('model.layers.{}.self_attn.k_proj.weight', kv_dim, dim)
    per_layer('model.layers.{}.self_attn.v_proj.weight', kv_dim, dim)
    per_layer('model.layers.{}.self_attn.o_proj.weight', dim, dim)
    per_layer('model.layers.{}.post_attention_layernorm.weight', dim)
    per_layer('model.layers.{}.mlp.gate_proj.weight', hidden, dim)  # w1
    per_layer('model.layers.{}.mlp.down_proj.weight', dim, hidden)  # w2
    per_layer('model.layers.{}.mlp.up_proj.weight', hidden, dim)  # w3
    w['model.norm.weight'] = take(dim)
    take(seq_len, head_dim // 2)  # freq_cis_real: RoPE is recomputed, as run.c does
    take(seq_len, head_dim // 2)  # freq_cis_imag
    if not cfg.tied_embeddings:
        w['lm_head.weight'] = take(vocab, dim)
    if offset != floats.numel():
        raise ValueError(f'{path}: {floats.numel() - offset} float32 values left after the last tensor')
    return cfg, w


def load_checkpoint(path: str) -> tuple[DecoderConfig, dict[str, torch.Tensor]]:
    """A HF directory (config.json + safetensors) or a llama2.c .bin, with its own config."""
    if os.path.isdir(path):
        with open(os.path.join(path, 'config.json')) as f:
            hf = json.load(f)
        gen_path = os.path.join(path, 'generation_config.json')
        generation = json.load(open(gen_path)) if os.path.exists(gen_path) else {}
        weights = read_safetensors(hf_weight_files(path))
        cfg = DecoderConfig.from_hf(hf, generation)
        if 'lm_head.weight' not in weights:
            cfg.tied_embeddings = True
        return cfg, weights
    return read_llama2c(path)


# ---- RoPE ------------------------------------------------------------------------------------------

def rope_inverse_frequencies(head_dim: int, base: float, scaling: Optional[dict]) -> list[float]:
    """θ_i = base^(−2i/headDim) rounded to float32 at each step, like libs/model's rope.ts (and torch / run.c)."""
    inv = [f32(1 / f32(base ** f32(2 * i / head_dim))) for i in range(head_dim // 2)]
    if scaling is None:
        return inv
    if scaling['type'] == 'linear':
        return [f32(f / scaling['factor']) for f in inv]
    factor, low, high, context = scaling['factor'], scaling['lowFreqFactor'], scaling['highFreqFactor'], scaling['originalMaxPositionEmbeddings']
    out = []
    for f in inv:
        wavelen = 2 * math.pi / f
        if wavelen < context / high:
            out.append(f)
        elif wavelen > context / low:
            out.append(f32(f / factor))
        else:
            smooth = (context / wavelen - low) / (high - low)
            out.append(f32((1 - smooth) * (f / factor) + smooth * f))
    return out


def rope_tables(cfg: DecoderConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [maxSeqLen, headDim/2] float32: angles pos·θ_i in float32, cos/sin taken in float64 (as the graph's tables)."""
    inv = torch.tensor(rope_inverse_frequencies(cfg.head_dim, cfg.rope_theta, cfg.rope_scaling), dtype=torch.float32)
    angles = torch.arange(cfg.max_seq_len, dtype=torch.float32)[:, None] * inv[None, :]  # exact float32 products
    angles = angles.double()
    return angles.cos().float(), angles.sin().float()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, style: str) -> torch.Tensor:
    """x [B, heads, T, hd]; cos/sin [B, 1, T, hd/2]. Pairs (i, i+hd/2) ('half') or (2i, 2i+1) ('interleaved')."""
    if style == 'half':
        half = x.shape[-1] // 2
        a, b = x[..., :half], x[..., half:]
        return torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)
    pairs = x.reshape(*x.shape[:-1], x.shape[-1] // 2, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack((a * cos - b * sin, b * cos + a * sin), dim=-1).reshape(x.shape)


# ---- TinyLoRA --------------------------------------------------------------------------------------

@dataclass
class Site:
    """One adapted linear: its frozen branch (from libs/tinylora on the host) and its row of v."""
    group: int
    down: torch.Tensor  # [in, r]
    up: torch.Tensor  # [r, out]
    P: torch.Tensor  # [u, r·r], float32


@dataclass
class LoraSite:
    """One LoRA-adapted linear: where its A [r, in] and B [out, r] sit in the adapter row (A first)."""
    offset: int
    in_dim: int
    out_dim: int


@dataclass
class Adapter:
    """An adapter structure on a model: which linears carry a branch and v's shape [groups, u]."""
    rank: int
    u: int
    groups: int
    sites: dict  # (layer, module) -> Site (kind tinylora) or LoraSite (kind lora)
    kind: str = 'tinylora'  # 'lora': ΔW = lora_scale · B·A with A, B sliced from row b's v
    lora_scale: float = 1.0

    @property
    def scale(self) -> float:
        return 1 / math.sqrt(self.u)  # R = (1/√u) Σ vᵢ Pᵢ


# ---- the decoder -----------------------------------------------------------------------------------

class KvCache:
    """Keys and values of every layer, preallocated on the device for `capacity` slots: [B, kvH, capacity, hd]."""

    def __init__(self, cfg: DecoderConfig, batch: int, capacity: int, device: torch.device, dtype: torch.dtype):
        shape = (batch, cfg.n_kv_heads, capacity, cfg.head_dim)
        self.keys = [torch.empty(shape, device=device, dtype=dtype) for _ in range(cfg.n_layers)]
        self.values = [torch.empty(shape, device=device, dtype=dtype) for _ in range(cfg.n_layers)]
        self.length = 0  # slots filled


class Decoder:
    """Frozen base weights on one device plus the forward; adapters are passed per call."""

    def __init__(self, cfg: DecoderConfig, weights: dict[str, torch.Tensor], device: str | torch.device, dtype: torch.dtype):
        assert cfg.n_heads % cfg.n_kv_heads == 0, 'n_heads must be a multiple of n_kv_heads'
        self.cfg, self.device, self.dtype = cfg, torch.device(device), dtype
        self.w = {name: t.to(device=self.device, dtype=dtype) for name, t in weights.items()}
        for name, t in self.w.items():
            if name.endswith('_proj.weight'):
                layer, module = int(name.split('.')[2]), name.split('.')[-2][:-len('_proj')]
                i, o = cfg.linear_shape(module)
                assert tuple(t.shape) == (o, i), f'{name} is {list(t.shape)}, the config implies [{o}, {i}]'
        assert tuple(self.w['model.embed_tokens.weight'].shape) == (cfg.vocab_size, cfg.dim), 'embed_tokens does not match the config'
        cos, sin = rope_tables(cfg)
        self.cos, self.sin = cos.to(self.device), sin.to(self.device)  # float32 tables, as the graph's
        self.lm_head = self.w['model.embed_tokens.weight'] if cfg.tied_embeddings else self.w['lm_head.weight']

    def bytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.w.values())

    def new_cache(self, batch: int, capacity: int) -> KvCache:
        return KvCache(self.cfg, batch, capacity, self.device, self.dtype)

    # -- blocks

    def rms_norm(self, x: torch.Tensor, weight_name: str) -> torch.Tensor:
        """x / √(mean(x²) + eps) · w, in float32 whatever the model dtype."""
        xf = x.float()
        normed = xf / torch.sqrt(xf.pow(2).mean(-1, keepdim=True) + self.cfg.norm_eps)
        return (normed * self.w[weight_name].float()).to(x.dtype)

    def linear(self, layer: int, module: str, x: torch.Tensor, adapter: Optional[Adapter], v: Optional[torch.Tensor]) -> torch.Tensor:
        """y = x·Wᵀ (+ bias) (+ the TinyLoRA branch with row b's own R_b). x [B, T, in] → [B, T, out]."""
        name = linear_weight_name(layer, module)
        y = x @ self.w[name].t()
        if self.cfg.qkv_bias and module in ('q', 'k', 'v'):
            y = y + self.w[name[:-len('weight')] + 'bias']
        site = adapter.sites.get((layer, module)) if adapter is not None and v is not None else None
        if site is not None and adapter.kind == 'lora':
            r, n_in, n_out, a = adapter.rank, site.in_dim, site.out_dim, site.offset
            row = v[:, 0, :]  # [B, u]: this row's whole trainable vector
            A = row[:, a:a + r * n_in].reshape(-1, r, n_in).to(x.dtype)  # [B, r, in]
            Bm = row[:, a + r * n_in:a + r * (n_in + n_out)].reshape(-1, n_out, r).to(x.dtype)  # [B, out, r]
            y = y + ((x @ A.transpose(1, 2)) @ Bm.transpose(1, 2)) * adapter.lora_scale  # [B,T,in]·[B,in,r]·[B,r,out]
        elif site is not None:
            r = adapter.rank
            # R in float32 (v and P are float32 whatever the model dtype), then the model dtype
            R = ((v[:, site.group, :] @ site.P).reshape(-1, r, r) * adapter.scale).to(x.dtype)  # [B, r, r]
            y = y + ((x @ site.down) @ R.transpose(1, 2)) @ site.up  # [B,T,r]·[B,r,r]·[r,out]
        return y

    def attention(self, layer: int, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, bias: torch.Tensor,
                  cache: Optional[KvCache], adapter: Optional[Adapter], v: Optional[torch.Tensor]) -> torch.Tensor:
        cfg = self.cfg
        B, T, _ = x.shape
        H, KV, hd = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
        q = self.linear(layer, 'q', x, adapter, v).reshape(B, T, H, hd).transpose(1, 2)  # (B, H, T, hd)
        k = self.linear(layer, 'k', x, adapter, v).reshape(B, T, KV, hd).transpose(1, 2)  # (B, kvH, T, hd)
        val = self.linear(layer, 'v', x, adapter, v).reshape(B, T, KV, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin, cfg.rope_style), apply_rope(k, cos, sin, cfg.rope_style)
        if cache is not None:
            start = cache.length
            cache.keys[layer][:, :, start:start + T] = k
            cache.values[layer][:, :, start:start + T] = val
            k, val = cache.keys[layer][:, :, :start + T], cache.values[layer][:, :, :start + T]  # (B, kvH, S, hd)
        S = k.shape[2]
        # GQA as the graph does it: q regrouped to (B, kvH, nRep·T, hd), query head h uses KV head ⌊h/nRep⌋
        scores = (q.reshape(B, KV, -1, hd) @ k.transpose(2, 3)) * (1 / math.sqrt(hd))  # (B, kvH, nRep·T, S)
        scores = scores.reshape(B, H, T, S).float() + bias  # (B, H, T, S), float32 for the softmax
        probs = scores.softmax(-1).to(val.dtype).reshape(B, KV, -1, S)
        context = (probs @ val).reshape(B, H, T, hd)
        merged = context.transpose(1, 2).reshape(B, T, H * hd)
        return self.linear(layer, 'o', merged, adapter, v)

    def mlp(self, layer: int, x: torch.Tensor, adapter: Optional[Adapter], v: Optional[torch.Tensor]) -> torch.Tensor:
        gate = self.linear(layer, 'gate', x, adapter, v)
        return self.linear(layer, 'down', gate * torch.sigmoid(gate) * self.linear(layer, 'up', x, adapter, v), adapter, v)

    def attention_bias(self, mask: torch.Tensor, new_tokens: int) -> torch.Tensor:
        """(B, 1, T, S) float32: 0 where a query slot may see a key slot (causal by slot, not padding, in the window), min elsewhere."""
        S = mask.shape[1]
        keys = torch.arange(S, device=self.device)[None, :]
        queries = torch.arange(S - new_tokens, S, device=self.device)[:, None]
        allowed = keys <= queries  # (T, S)
        if self.cfg.sliding_window is not None:
            allowed = allowed & (keys > queries - self.cfg.sliding_window)
        allowed = allowed[None, None] & mask.bool()[:, None, None, :]
        # float32 min, finite: a fully masked row (left padding) softmaxes to uniform, not NaN, as in the graph
        return torch.zeros(allowed.shape, device=self.device).masked_fill(~allowed, torch.finfo(torch.float32).min)

    # -- the model

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, cache: Optional[KvCache] = None,
                adapter: Optional[Adapter] = None, v: Optional[torch.Tensor] = None, keep: int = 0) -> torch.Tensor:
        """
        ids [B, T] continuing `cache` (its length slots); mask [B, S] over past + new slots (0 on padding).
        v [B, groups, u] float32 (None: the base model). Logits of the last `keep` positions
        (0 = all), float32 [B, K, vocab]. Appends to `cache`.
        """
        cfg = self.cfg
        B, T = ids.shape
        past = cache.length if cache is not None else 0
        assert mask.shape == (B, past + T), f'mask must be [{B}, {past + T}], got {list(mask.shape)}'
        positions = (mask.long().cumsum(-1) - 1)[:, -T:].clamp_min(0) * mask[:, -T:].long()  # HF: cumsum(mask) − 1, padding 0
        if int(positions.max()) >= cfg.max_seq_len:
            raise ValueError(f'position {int(positions.max())} is outside [0, maxSeqLen = {cfg.max_seq_len})')
        # (B, 1, T, hd/2), in the model dtype as HF does (float32 tables: exact for float32)
        cos, sin = self.cos[positions][:, None].to(self.dtype), self.sin[positions][:, None].to(self.dtype)
        bias = self.attention_bias(mask, T)
        x = F.embedding(ids, self.w['model.embed_tokens.weight'])
        for layer in range(cfg.n_layers):
            h = self.rms_norm(x, f'model.layers.{layer}.input_layernorm.weight')
            x = x + self.attention(layer, h, cos, sin, bias, cache, adapter, v)
            h = self.rms_norm(x, f'model.layers.{layer}.post_attention_layernorm.weight')
            x = x + self.mlp(layer, h, adapter, v)
        if cache is not None:
            cache.length += T
        if keep > 0:
            x = x[:, -keep:]
        x = self.rms_norm(x, 'model.norm.weight')
        return (x @ self.lm_head.t()).float()


# ---- batched calls ---------------------------------------------------------------------------------

def left_pad(rows: list[list[int]], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """ids [B, L] right-aligned (padding id 0 on the left), mask [B, L] 0 on the padding (as batching.ts)."""
    length = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), length), dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    for i, row in enumerate(rows):
        if row:
            ids[i, length - len(row):] = torch.tensor(row, dtype=torch.long)
            mask[i, length - len(row):] = 1
    return ids.to(device), mask.to(device)


@torch.no_grad()
def generate(dec: Decoder, prompts: list[list[int]], max_new_tokens: int, stop_ids: list[int],
             adapter: Optional[Adapter] = None, v: Optional[torch.Tensor] = None,
             temperature: float = 0.0, generator: Optional[torch.Generator] = None, keep_stop: bool = False) -> list[list[int]]:
    """
    Continues every prompt with a KV cache: greedy (temperature 0, first maximum on ties, as run.c) or
    sampled at `temperature` from `generator` (Gumbel-max). A row stops at its first stop id (returned
    only with keep_stop); finished rows keep decoding so the batch stays rectangular (as decoder-session.ts).
    """
    if any(len(p) == 0 for p in prompts):
        raise ValueError('every prompt needs at least one token (e.g. BOS)')
    generated: list[list[int]] = [[] for _ in prompts]
    if max_new_tokens <= 0:
        return generated
    done = [False] * len(prompts)
    stop = set(stop_ids)
    ids, mask = left_pad(prompts, dec.device)
    cache = dec.new_cache(len(prompts), ids.shape[1] + max_new_tokens)
    logits = dec.forward(ids, mask, cache, adapter, v, keep=1)[:, -1]  # (B, vocab)
    while True:
        if temperature > 0:
            noise = torch.rand(logits.shape, generator=generator, device=logits.device).clamp_min(1e-30)
            next_ids = (logits / temperature - torch.log(-torch.log(noise))).argmax(-1)
        else:
            next_ids = logits.argmax(-1)
        for row, token in enumerate(next_ids.tolist()):
            if done[row]:
                continue
            if token in stop:
                done[row] = True
                if keep_stop:
                    generated[row].append(token)
            else:
                generated[row].append(token)
        if all(done[r] or len(generated[r]) >= max_new_tokens for r in range(len(prompts))):
            return generated
        mask = torch.cat((mask, torch.ones((len(prompts), 1), dtype=mask.dtype, device=mask.device)), dim=1)
        logits = dec.forward(next_ids[:, None], mask, cache, adapter, v, keep=1)[:, -1]


def continuation_logprobs(dec: Decoder, contexts: list[list[int]], continuations: list[list[int]],
                          adapter: Optional[Adapter], v: Optional[torch.Tensor]) -> torch.Tensor:
    """
    Per-token log p(continuation[b][t] | context, continuation[<t]) under row b's adapter, teacher-forced
    in one forward, float32 [B, maxCont] (0 past a row's end). Autograd flows to v when it requires grad.
    """
    if any(len(c) == 0 for c in contexts):
        raise ValueError('every context needs at least one token (e.g. BOS)')
    ids, mask = left_pad([c + x for c, x in zip(contexts, continuations)], dec.device)
    longest = max(len(x) for x in continuations)
    keep = min(ids.shape[1], longest + 1)
    logits = dec.forward(ids, mask, None, adapter, v, keep=keep)  # (B, keep, vocab)
    # continuation token j of a row sits in slot L−n+j and is predicted by the slot before: kept index keep−n−1+j
    B = len(contexts)
    index = torch.zeros((B, longest), dtype=torch.long)
    target = torch.zeros((B, longest), dtype=torch.long)
    valid = torch.zeros((B, longest), dtype=torch.bool)
    for b, cont in enumerate(continuations):
        n = len(cont)
        index[b, :n] = torch.arange(keep - n - 1, keep - 1)
        target[b, :n] = torch.tensor(cont, dtype=torch.long)
        valid[b, :n] = True
    index, target, valid = index.to(dec.device), target.to(dec.device), valid.to(dec.device)
    picked = logits.gather(1, index[:, :, None].expand(-1, -1, logits.shape[-1]))  # (B, maxCont, vocab)
    lp = picked.log_softmax(-1).gather(2, target[:, :, None])[:, :, 0]
    return lp * valid


@torch.no_grad()
def sum_logprobs(dec: Decoder, contexts: list[list[int]], continuations: list[list[int]],
                 adapter: Optional[Adapter], v: Optional[torch.Tensor]) -> list[float]:
    """Σ log p per row in float64 over the float32 logits (as decoder-session.ts's logSoftmaxAt)."""
    if any(len(c) == 0 for c in contexts):
        raise ValueError('every context needs at least one token (e.g. BOS)')
    ids, mask = left_pad([c + x for c, x in zip(contexts, continuations)], dec.device)
    keep = min(ids.shape[1], max(len(x) for x in continuations) + 1)
    logits = dec.forward(ids, mask, None, adapter, v, keep=keep).double()
    out = []
    for b, cont in enumerate(continuations):
        n = len(cont)
        lp = logits[b, keep - n - 1:keep - 1].log_softmax(-1)
        out.append(float(lp.gather(1, torch.tensor(cont, device=lp.device)[:, None]).sum()) if n else 0.0)
    return out
