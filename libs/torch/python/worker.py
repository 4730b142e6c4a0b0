"""
The torch device's worker: one long-lived process per trainer slot, pinned to one device, holding base
weights once (shared by every adapter structure and every batch row) and answering framed requests on
stdin/stdout. libs/torch/src/torch-worker.ts starts it and speaks the protocol.

    python3 libs/torch/python/worker.py --device cpu|cuda:0 [--dtype float32|bfloat16|float16] [--threads N]

Protocol: every message, either way, is one frame

    u32 header_len | u32 payload_len | header (UTF-8 JSON) | payload (the tensors, back to back)

(little-endian). The header names the tensors in payload order: "tensors": [{"name", "dtype": i32|f32|f64,
"shape"}]. A request has "id" and "op"; the answer has the same "id" and "ok": true with its fields and
tensors, or "ok": false with "code" (bad_request | missing_model | missing_adapter | internal) and "error".
One request at a time; a whole generation (every token) is one request, so nothing per token crosses.

Ops: hello · load_model {model_id, path, config} · load_adapter {adapter_id, model_id, rank, u, groups,
sites: [{layer, module, group}]} + down_i, up_i, P_i (or kind lora, scale, sites: [{layer, module, offset, in,
out}], no tensors) · drop {model_id? adapter_id?} · generate · logprobs ·
logits · gradient (see the handlers). Only torch and the standard library.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import struct
import sys
import time
import traceback
from typing import BinaryIO, Optional

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decoder import Adapter, Decoder, DecoderConfig, LoraSite, Site, continuation_logprobs, generate, hf_weight_files, left_pad, read_llama2c, read_safetensors, sum_logprobs  # noqa: E402

DTYPES = {'i32': torch.int32, 'f32': torch.float32, 'f64': torch.float64}
MODEL_DTYPES = {'float32': torch.float32, 'bfloat16': torch.bfloat16, 'float16': torch.float16}


class RequestError(Exception):
    """A request this worker refuses; `code` tells the host what to do (missing_* → load and retry)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# ---- frames ----------------------------------------------------------------------------------------

def read_exactly(stream: BinaryIO, n: int) -> Optional[bytes]:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b''.join(chunks)


def read_frame(stream: BinaryIO) -> Optional[tuple[dict, dict[str, torch.Tensor]]]:
    """The next request and its tensors (CPU), or None at end of input."""
    prefix = read_exactly(stream, 8)
    if prefix is None:
        return None
    header_len, payload_len = struct.unpack('<II', prefix)
    header = json.loads(read_exactly(stream, header_len) or b'{}')
    payload = read_exactly(stream, payload_len) if payload_len else b''
    tensors, offset = {}, 0
    for spec in header.get('tensors', []):
        dtype = DTYPES[spec['dtype']]
        count = 1
        for d in spec['shape']:
            count *= d
        size = count * torch.tensor([], dtype=dtype).element_size()
        flat = torch.frombuffer(bytearray(payload[offset:offset + size]), dtype=dtype) if count else torch.empty(0, dtype=dtype)
        tensors[spec['name']] = flat.reshape(spec['shape'])
        offset += size
    return header, tensors


def write_frame(stream: BinaryIO, header: dict, tensors: dict[str, torch.Tensor]) -> None:
    names = {torch.int32: 'i32', torch.float32: 'f32', torch.float64: 'f64'}
    specs, blobs = [], []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        specs.append({'name': name, 'dtype': names[t.dtype], 'shape': list(t.shape)})
        blobs.append(ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()))  # no numpy needed
    head = json.dumps({**header, 'tensors': specs}).encode()
    payload = b''.join(blobs)
    stream.write(struct.pack('<II', len(head), len(payload)) + head + payload)
    stream.flush()


def ragged(flat: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
    """Rows of ids from a flat int32 tensor and the rows' lengths."""
    out, offset = [], 0
    ids = flat.tolist()
    for n in lengths.tolist():
        out.append(ids[offset:offset + n])
        offset += n
    return out


# ---- the worker ------------------------------------------------------------------------------------

class Worker:
    """Models by id (base weights once per process) and adapters by id (frozen branches over a model)."""

    def __init__(self, device: str, dtype: torch.dtype):
        self.device, self.dtype = torch.device(device), dtype
        self.models: dict[str, Decoder] = {}
        self.adapters: dict[str, tuple[str, Adapter]] = {}

    def memory(self) -> dict:
        if self.device.type != 'cuda':
            return {}
        return {'allocated': torch.cuda.memory_allocated(self.device), 'peak': torch.cuda.max_memory_allocated(self.device),
                'total': torch.cuda.get_device_properties(self.device).total_memory}

    def hello(self, req: dict, t: dict) -> tuple[dict, dict]:
        info = {'torch': torch.__version__, 'device': str(self.device), 'dtype': str(self.dtype).replace('torch.', ''),
                'threads': torch.get_num_threads(), 'pid': os.getpid()}
        if self.device.type == 'cuda':
            info['name'] = torch.cuda.get_device_name(self.device)
        return {**info, 'memory': self.memory()}, {}

    def load_model(self, req: dict, t: dict) -> tuple[dict, dict]:
        started = time.perf_counter()
        cfg = DecoderConfig.from_json(req['config'])
        path = req['path']
        weights = read_safetensors(hf_weight_files(path)) if os.path.isdir(path) else read_llama2c(path)[1]
        self.models[req['model_id']] = Decoder(cfg, weights, self.device, self.dtype)
        dec = self.models[req['model_id']]
        return {'seconds': time.perf_counter() - started, 'bytes': dec.bytes(), 'memory': self.memory()}, {}

    def load_adapter(self, req: dict, t: dict) -> tuple[dict, dict]:
        self.model(req['model_id'])
        if req.get('kind') == 'lora':  # no frozen tensors: A and B come with each call's v
            sites = {(s['layer'], s['module']): LoraSite(offset=s['offset'], in_dim=s['in'], out_dim=s['out']) for s in req['sites']}
            self.adapters[req['adapter_id']] = (req['model_id'], Adapter(rank=req['rank'], u=req['u'], groups=1, sites=sites, kind='lora', lora_scale=float(req['scale'])))
            return {}, {}
        sites = {}
        for i, s in enumerate(req['sites']):
            sites[(s['layer'], s['module'])] = Site(
                group=s['group'],
                down=t[f'down_{i}'].to(self.device, self.dtype),
                up=t[f'up_{i}'].to(self.device, self.dtype),
                P=t[f'P_{i}'].reshape(req['u'], req['rank'] * req['rank']).to(self.device, torch.float32))
        self.adapters[req['adapter_id']] = (req['model_id'], Adapter(rank=req['rank'], u=req['u'], groups=req['groups'], sites=sites))
        return {}, {}

    def drop(self, req: dict, t: dict) -> tuple[dict, dict]:
        if req.get('adapter_id') is not None:
            self.adapters.pop(req['adapter_id'], None)
        if req.get('model_id') is not None:
            self.models.pop(req['model_id'], None)
            for key in [k for k, (m, _) in self.adapters.items() if m == req['model_id']]:
                del self.adapters[key]
        if self.device.type == 'cuda':
            torch.cuda.empty_cache()
        return {'memory': self.memory()}, {}

    def model(self, model_id: str) -> Decoder:
        if model_id not in self.models:
            raise RequestError('missing_model', f'model {model_id[:12]} is not loaded in this worker')
        return self.models[model_id]

    def target(self, req: dict) -> tuple[Decoder, Optional[Adapter]]:
        """The model and adapter a call runs on: `adapter_id`, or `model_id` alone for the base model."""
        if req.get('adapter_id') is None:
            return self.model(req['model_id']), None
        if req['adapter_id'] not in self.adapters:
            raise RequestError('missing_adapter', f"adapter {req['adapter_id'][:24]}… is not loaded in this worker")
        model_id, adapter = self.adapters[req['adapter_id']]
        return self.model(model_id), adapter

    def rows_v(self, adapter: Optional[Adapter], t: dict, rows: int, start: int, end: int) -> Optional[torch.Tensor]:
        """v for rows [start, end) as float32 [n, groups, u] on the device: per row [rows, G·u], shared [G·u], or none."""
        if adapter is None or 'v' not in t:
            return None
        v, per_row = t['v'], adapter.groups * adapter.u
        if v.numel() == per_row:
            return v.reshape(1, adapter.groups, adapter.u).expand(end - start, -1, -1).to(self.device)
        if v.numel() != rows * per_row:
            raise RequestError('bad_request', f'v has {v.numel()} values; expected [{rows}, {adapter.groups}, {adapter.u}] or [{adapter.groups}, {adapter.u}]')
        return v.reshape(rows, adapter.groups, adapter.u)[start:end].to(self.device)

    def generate(self, req: dict, t: dict) -> tuple[dict, dict]:
        """Continuations of `prompts`: greedy, or sampled at `temperature` (seeded by `seed`); chunks of `max_batch` rows."""
        dec, adapter = self.target(req)
        prompts = ragged(t['ids'], t['lengths'])
        temperature = float(req.get('temperature', 0.0))
        generator = None
        if temperature > 0:
            generator = torch.Generator(device=dec.device)
            generator.manual_seed(int(req.get('seed', 0)))
        out: list[list[int]] = []
        step = max(1, int(req.get('max_batch', len(prompts))))
        for start in range(0, len(prompts), step):
            end = min(len(prompts), start + step)
            out += generate(dec, prompts[start:end], int(req['max_new_tokens']), list(req.get('stop_ids', [])), adapter,
                            self.rows_v(adapter, t, len(prompts), start, end), temperature, generator, bool(req.get('keep_stop', False)))
        flat = [token for row in out for token in row]
        return {}, {'ids': torch.tensor(flat, dtype=torch.int32), 'lengths': torch.tensor([len(r) for r in out], dtype=torch.int32)}

    def logprobs(self, req: dict, t: dict) -> tuple[dict, dict]:
        """Σ log p(continuation | context) per row, float64."""
        dec, adapter = self.target(req)
        contexts, conts = ragged(t['context_ids'], t['context_lengths']), ragged(t['continuation_ids'], t['continuation_lengths'])
        out: list[float] = []
        step = max(1, int(req.get('max_batch', len(contexts))))
        for start in range(0, len(contexts), step):
            end = min(len(contexts), start + step)
            out += sum_logprobs(dec, contexts[start:end], conts[start:end], adapter, self.rows_v(adapter, t, len(contexts), start, end))
        return {}, {'logprobs': torch.tensor(out, dtype=torch.float64)}

    @torch.no_grad()
    def logits(self, req: dict, t: dict) -> tuple[dict, dict]:
        """Logits [B, L, vocab] of left-padded rows (one forward, no cache), for comparing devices."""
        dec, adapter = self.target(req)
        rows = ragged(t['ids'], t['lengths'])
        ids, mask = left_pad(rows, dec.device)
        return {}, {'logits': dec.forward(ids, mask, None, adapter, self.rows_v(adapter, t, len(rows), 0, len(rows)))}

    def gradient(self, req: dict, t: dict) -> tuple[dict, dict]:
        """
        ∇_v of  J(v) = Σ_b w_b Σ_t log p_v(y_bt)  −  Σ_b c_b Σ_t k3_bt  for ONE v [groups, u] shared by every row,
        by autograd (chunks of max_batch rows accumulate). k3 = exp(ref − lp) − (ref − lp) − 1 is the
        low-variance KL(p_v ‖ p_ref) estimate per token against the base model (v = 0); skipped when every c_b is 0.
        Returns grad [groups, u], Σ_t log p per row and Σ_t k3 per row.
        """
        dec, adapter = self.target(req)
        if adapter is None:
            raise RequestError('bad_request', 'gradient needs an adapter_id')
        contexts, conts = ragged(t['context_ids'], t['context_lengths']), ragged(t['continuation_ids'], t['continuation_lengths'])
        weights, kl_weights = t['weights'].tolist(), t['kl_weights'].tolist()
        v = t['v'].reshape(adapter.groups, adapter.u).to(self.device).clone().requires_grad_(True)
        sums: list[float] = []
        kls: list[float] = []
        step = max(1, int(req.get('max_batch', len(contexts))))
        for start in range(0, len(contexts), step):
            end = min(len(contexts), start + step)
            ctx, cont = contexts[start:end], conts[start:end]
            lp = continuation_logprobs(dec, ctx, cont, adapter, v[None].expand(end - start, -1, -1))  # (n, maxCont)
            w = torch.tensor(weights[start:end], device=dec.device, dtype=torch.float32)
            objective = (lp.sum(1) * w).sum()
            c = torch.tensor(kl_weights[start:end], device=dec.device, dtype=torch.float32)
            k3_rows = torch.zeros(end - start, device=dec.device)
            if bool((c != 0).any()):
                with torch.no_grad():
                    ref = continuation_logprobs(dec, ctx, cont, None, None)
                d = ref - lp
                k3_rows = (torch.exp(d) - d - 1).sum(1)
                objective = objective - (k3_rows * c).sum()
            objective.backward()
            sums += lp.detach().double().sum(1).tolist()
            kls += k3_rows.detach().double().tolist()
        grad = v.grad if v.grad is not None else torch.zeros_like(v)
        return {}, {'grad': grad.detach().float().reshape(-1), 'logprobs': torch.tensor(sums, dtype=torch.float64), 'kl': torch.tensor(kls, dtype=torch.float64)}


def main() -> None:
    parser = argparse.ArgumentParser(description='tinysweep torch worker (speaks frames on stdin/stdout)')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:N')
    parser.add_argument('--dtype', default='float32', choices=sorted(MODEL_DTYPES))
    parser.add_argument('--threads', type=int, default=0, help='torch intra-op threads (0: torch default)')
    args = parser.parse_args()
    # The protocol owns the real stdout; anything else printed goes to stderr (the host keeps its tail).
    out = os.fdopen(os.dup(sys.stdout.fileno()), 'wb')
    sys.stdout = sys.stderr
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == 'cuda':
        if not torch.cuda.is_available():
            raise SystemExit(f'--device {args.device}: torch {torch.__version__} sees no CUDA device')
        torch.cuda.set_device(device)
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 means float32: the same numbers as the CPU
        torch.backends.cudnn.allow_tf32 = False
    worker = Worker(args.device, MODEL_DTYPES[args.dtype])
    handlers = {'hello': worker.hello, 'load_model': worker.load_model, 'load_adapter': worker.load_adapter, 'drop': worker.drop,
                'generate': worker.generate, 'logprobs': worker.logprobs, 'logits': worker.logits, 'gradient': worker.gradient}
    stdin = sys.stdin.buffer
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return
        req, tensors = frame
        op, rid = req.get('op'), req.get('id')
        try:
            handler = handlers.get(op)
            if handler is None:
                raise RequestError('bad_request', f'unknown op {op!r}')
            header, result = handler(req, tensors)
            write_frame(out, {'id': rid, 'ok': True, **header}, result)
        except RequestError as err:
            write_frame(out, {'id': rid, 'ok': False, 'code': err.code, 'error': str(err)}, {})
        except (ValueError, KeyError, AssertionError) as err:
            write_frame(out, {'id': rid, 'ok': False, 'code': 'bad_request', 'error': f'{type(err).__name__}: {err}'}, {})
        except Exception as err:  # a failed call must not take the worker (and its loaded models) down
            traceback.print_exc(file=sys.stderr)
            write_frame(out, {'id': rid, 'ok': False, 'code': 'internal', 'error': f'{type(err).__name__}: {err}'}, {})


if __name__ == '__main__':
    main()
