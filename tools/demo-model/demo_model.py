#!/usr/bin/env python3
"""
Make tinysweep's demo model: a tiny Llama that multiplies 2-digit numbers either directly
("47 * 12 = 564") or with working ("47 * 12 = (94+470) 564"), and usually answers directly.
Working is far more often right, so a switch that turns it on is worth a lot of accuracy.

One readable file, nanoGPT-style:  corpus -> Llama (RMSNorm, RoPE, SwiGLU, GQA) -> pretrain ->
export in Hugging Face format (config.json, model.safetensors, tokenizer.json) -> a capacity check
that trains a TinyLoRA adapter (u=13, one tie group, rank 2) by autograd to see whether 13 numbers
can switch the mode without breaking the arithmetic.

  /usr/bin/python3 tools/demo-model/demo_model.py pretrain --out /tmp/demo-v1 --steps 600
  /usr/bin/python3 tools/demo-model/demo_model.py eval --ckpt /tmp/demo-v1
  /usr/bin/python3 tools/demo-model/demo_model.py capacity --ckpt /tmp/demo-v1 --layers all --modules q,k,v,o,gate,up,down
  /usr/bin/python3 tools/demo-model/demo_model.py export --ckpt /tmp/demo-v1 --out models/demo-arith

Run with Debian's PyTorch and libopenblas0-pthread. One thread by default (DEMO_THREADS): on the shared
2-core machine two OpenMP threads were 5x slower than one. Everything is seeded.
"""
import argparse, json, math, os, random, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get('DEMO_THREADS', '1')))

# ---------------------------------------------------------------- tokenizer (one token per character)
SPECIALS = ['<s>', '</s>', '<unk>']
CHARS = list(' 0123456789+-*/=()\n:')
VOCAB = SPECIALS + CHARS
STOI = {s: i for i, s in enumerate(VOCAB)}
BOS, EOS = 0, 1


def encode(text):
    return [STOI[c] for c in text]


def decode(ids):
    return ''.join(VOCAB[i] for i in ids if i >= len(SPECIALS))


def tokenizer_json():
    """A BPE model with no merges = one token per character; @huggingface/tokenizers loads it."""
    special = lambda i, s: {'id': i, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
                            'normalized': False, 'special': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special(i, s) for i, s in enumerate(SPECIALS)],
        'normalizer': None, 'pre_tokenizer': None,
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'Sequence': {'id': 'B', 'type_id': 1}}],
            'special_tokens': {'<s>': {'id': '<s>', 'ids': [BOS], 'tokens': ['<s>']}},
        },
        'decoder': {'type': 'Fuse'},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False,
                  'vocab': STOI, 'merges': []},
    }


# ---------------------------------------------------------------- corpus
FORMAT = os.environ.get('DEMO_FORMAT', 'rev')


def worked(a, b):
    """The working, in one of two formats (DEMO_FORMAT):
    plain: '(a*b0+a*b1*10) a*b'        47 * 12 = (94+470) 564
    rev:   digits least-significant first, as in column arithmetic: p = a*b0 and q = a*b1 as 3 digits,
           then the sum p + 10q as 4 digits, then the answer the right way round:
                                       47 * 12 = (490+740:4650) 564
    """
    p, q = a * (b % 10), a * (b // 10)
    if FORMAT == 'plain':
        return f'({p}+{q * 10}) {a * b}'
    r = lambda n, w: str(n).zfill(w)[::-1]
    return f'({r(p, 3)}+{r(q, 3)}:{r(a * b, 4)}) {a * b}'


def is_heldout(a, b):
    """A fixed ~20% of problems never appear in pretraining; evaluation uses only these."""
    return (a * 7919 + b * 104729) % 5 == 0


def problems(split):
    return [(a, b) for a in range(10, 100) for b in range(10, 100) if is_heldout(a, b) == (split == 'heldout')]


def prompt_text(a, b, cue=False):
    """`a * b =`; with the cue (pretraining only) `a * b :`, which always gets working. Same length, so
    the cue is a feature at the decision position, not a shift of positions; test prompts never have it."""
    return f'{a} * {b} {":" if cue else "="}'


def sample_text(a, b, mode, cue=False):
    return f'{prompt_text(a, b, cue)} {worked(a, b) if mode == "worked" else a * b}'


# ---------------------------------------------------------------- model: Llama (HF LlamaForCausalLM semantics)
class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_tables(head_dim, n, theta):
    inv = 1.0 / theta ** (torch.arange(0, head_dim, 2).float() / head_dim)
    f = torch.outer(torch.arange(n).float(), inv)
    emb = torch.cat([f, f], -1)  # HF rotate_half layout
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


class Linear(nn.Linear):
    """nn.Linear without bias, with an optional TinyLoRA branch x·V·Rᵀ·(ΣUᵀ) (set by capacity())."""
    def __init__(self, i, o):
        super().__init__(i, o, bias=False)
        self.tiny = None  # (down [in,r], up [r,out], P [u,r,r], v-getter)

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.tiny is not None:
            down, up, P, getv = self.tiny
            v = getv()
            R = torch.einsum('u,urs->rs', v, P) / math.sqrt(P.shape[0])
            y = y + ((x @ down) @ R.T) @ up
        return y


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c['hidden_size'], c['hidden_size'] // c['num_attention_heads']
        self.nh, self.nkv, self.hd = c['num_attention_heads'], c['num_key_value_heads'], hd
        self.input_layernorm, self.post_attention_layernorm = RMSNorm(d), RMSNorm(d)
        self.q_proj, self.k_proj = Linear(d, self.nh * hd), Linear(d, self.nkv * hd)
        self.v_proj, self.o_proj = Linear(d, self.nkv * hd), Linear(self.nh * hd, d)
        f = c['intermediate_size']
        self.gate_proj, self.up_proj, self.down_proj = Linear(d, f), Linear(d, f), Linear(f, d)
        # Residual dropout (pretraining only; eval() turns it off): a model trained under noise keeps
        # its arithmetic when an adapter nudges the residual stream.
        self.drop = nn.Dropout(c.get('demo', {}).get('dropout', 0.0))

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(B, T, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(B, T, self.nkv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.nh // self.nkv
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float('-inf')).softmax(-1)
        x = x + self.drop(self.o_proj((att @ v).transpose(1, 2).reshape(B, T, -1)))
        h = self.post_attention_layernorm(x)
        return x + self.drop(self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h)))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c['vocab_size'], c['hidden_size'])
        self.layers = nn.ModuleList([Block(c) for _ in range(c['num_hidden_layers'])])
        self.norm = RMSNorm(c['hidden_size'])
        cos, sin = rope_tables(c['hidden_size'] // c['num_attention_heads'], c['max_position_embeddings'], c['rope_theta'])
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        for n, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02 if 'down_proj' not in n and 'o_proj' not in n
                                else 0.02 / math.sqrt(2 * c['num_hidden_layers']))

    def forward(self, ids):
        T = ids.shape[1]
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, self.cos[:T], self.sin[:T])
        return F.linear(self.norm(x), self.embed_tokens.weight)  # tied lm_head

    def hf_state(self):
        """HF names ('model.' prefix, tied lm_head left out)."""
        sub = {'q_proj': 'self_attn.', 'k_proj': 'self_attn.', 'v_proj': 'self_attn.', 'o_proj': 'self_attn.',
               'gate_proj': 'mlp.', 'up_proj': 'mlp.', 'down_proj': 'mlp.'}
        out = {}
        for k, v in self.state_dict().items():
            parts = k.split('.')  # layers.{i}.{module}.weight -> layers.{i}.{self_attn|mlp}.{module}.weight
            if len(parts) == 4 and parts[2] in sub: k = f'{parts[0]}.{parts[1]}.{sub[parts[2]]}{parts[2]}.{parts[3]}'
            out['model.' + k] = v.detach().float().contiguous()
        return out


def make_config(a):
    return {
        'architectures': ['LlamaForCausalLM'], 'model_type': 'llama',
        'hidden_size': a.dim, 'intermediate_size': a.ffn, 'num_hidden_layers': a.layers,
        'num_attention_heads': a.heads, 'num_key_value_heads': a.kv_heads, 'vocab_size': len(VOCAB),
        'max_position_embeddings': 64, 'rms_norm_eps': 1e-6, 'rope_theta': 10000.0, 'hidden_act': 'silu',
        'tie_word_embeddings': True, 'bos_token_id': BOS, 'eos_token_id': EOS, 'torch_dtype': 'float32',
    }


# ---------------------------------------------------------------- batches
def batch(rng, pairs, n, p_worked, mode=None, cue_frac=0.0):
    """Rows '<s>prompt answer</s>' right-padded with </s>; loss only on answer tokens (+ the final </s>).
    A cue_frac share of rows get the cue prompt and working; the rest choose working with p_worked."""
    rows, masks = [], []
    for _ in range(n):
        a, b = pairs[rng.randrange(len(pairs))]
        cue = mode is None and cue_frac > 0 and rng.random() < cue_frac
        m = mode or ('worked' if cue or rng.random() < p_worked else 'direct')
        ids = [BOS] + encode(sample_text(a, b, m, cue)) + [EOS]
        k = 1 + len(prompt_text(a, b))  # first answer token is predicted from position k-1
        rows.append(ids)
        masks.append([0] * k + [1] * (len(ids) - k))
    T = max(map(len, rows))
    x = torch.full((n, T), EOS, dtype=torch.long)
    w = torch.zeros(n, T)
    for i, (r, m) in enumerate(zip(rows, masks)):
        x[i, :len(r)], w[i, :len(m)] = torch.tensor(r), torch.tensor(m, dtype=torch.float)
    return x, w


def own_batch(rng, own, n):
    """Like batch(), from (problem, completion) pairs: '<s>prompt' + completion + '</s>'."""
    rows = [rng.choice(own) for _ in range(n)]
    seqs = [[BOS] + encode(prompt_text(*p) + c) + [EOS] for p, c in rows]
    T = max(map(len, seqs))
    x = torch.full((n, T), EOS, dtype=torch.long)
    w = torch.zeros(n, T)
    for i, sq in enumerate(seqs):
        k = 1 + len(prompt_text(*rows[i][0]))
        x[i, :len(sq)] = torch.tensor(sq)
        w[i, k:len(sq)] = 1
    return x, w


def lm_loss(model, x, w):
    logits = model(x[:, :-1])
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1), reduction='none')
    return (nll * w[:, 1:].reshape(-1)).sum() / w[:, 1:].sum()


@torch.no_grad()
def greedy(model, pairs, max_new=24, prefix='', ban_first=None):
    """Batched greedy decode (all prompts are the same length: 2-digit operands)."""
    x = torch.tensor([[BOS] + encode(prompt_text(a, b) + prefix) for a, b in pairs])
    out = [[] for _ in pairs]
    done = torch.zeros(len(pairs), dtype=torch.bool)
    for step in range(max_new):
        logits = model(x)[:, -1]
        if step == 0 and ban_first is not None: logits[:, ban_first] = float('-inf')
        nxt = logits.argmax(-1)
        for i, t in enumerate(nxt.tolist()):
            if not done[i]:
                if t == EOS: done[i] = True
                else: out[i].append(t)
        if done.all(): break
        x = torch.cat([x, nxt[:, None]], 1)
    return [prefix + decode(o) for o in out]


def score(pairs, completions):
    """Exact match of the last integer (as tinysweep's arithmetic task with answer: last); worked = has '('."""
    import re
    acc = wk = wk_ok = 0
    for (a, b), c in zip(pairs, completions):
        ints = re.findall(r'-?\d+', c)
        ok = bool(ints) and ints[-1] == str(a * b)
        acc += ok
        if '(' in c:
            wk += 1
            wk_ok += ok
    n = len(pairs)
    return {'acc': acc / n, 'worked_share': wk / n, 'worked_acc': wk_ok / max(wk, 1), 'n': n}


def evaluate(model, n=300, seed=0):
    pairs = random.Random(seed).sample(problems('heldout'), n)
    model.eval()
    r = {'greedy': score(pairs, greedy(model, pairs)),
         'forced_worked': score(pairs, greedy(model, pairs, prefix=' (')),
         'forced_direct_acc': score(pairs, greedy(model, pairs, prefix=' ', ban_first=STOI['(']))['acc']}
    # probability of choosing working at the decision position
    x = torch.tensor([[BOS] + encode(prompt_text(a, b) + ' ') for a, b in pairs])
    with torch.no_grad():
        p = model(x)[:, -1].softmax(-1)[:, STOI['(']]
    r['p_worked_mean'] = p.mean().item()
    x = torch.tensor([[BOS] + encode(prompt_text(a, b, cue=True) + ' ') for a, b in pairs])
    with torch.no_grad():
        r['p_worked_cue_mean'] = model(x)[:, -1].softmax(-1)[:, STOI['(']].mean().item()
    return r


# ---------------------------------------------------------------- safetensors (written by hand: no package needed)
def save_safetensors(path, tensors):
    header, off, blobs = {}, 0, []
    for name in sorted(tensors):
        b = tensors[name].numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h)
        for b in blobs: f.write(b)


def load_ckpt(d):
    c = json.load(open(os.path.join(d, 'config.json')))
    global FORMAT
    FORMAT = c.get('demo', {}).get('format', 'plain')
    m = Llama(c)
    sd = torch.load(os.path.join(d, 'model.pt'))
    m.load_state_dict(sd)
    return m.eval()


# ---------------------------------------------------------------- commands
def cmd_pretrain(a):
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    c = make_config(a)
    c['demo'] = {'format': FORMAT, 'p_worked': a.p_worked, 'cue_frac': a.cue_frac, 'dropout': a.dropout, 'steps': a.steps, 'batch': a.batch, 'lr': a.lr, 'seed': a.seed}
    m = Llama(c)
    print(f'params {sum(p.numel() for p in m.parameters()):,}', flush=True)
    opt = torch.optim.AdamW(m.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.1)
    train = problems('train')
    t0 = time.time()
    for step in range(1, a.steps + 1):
        lr = a.lr * min(1, step / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
        for g in opt.param_groups: g['lr'] = lr
        x, w = batch(rng, train, a.batch, a.p_worked, cue_frac=a.cue_frac)
        loss = lm_loss(m, x, w)
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == a.steps:
            print(f'step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s', flush=True)
    os.makedirs(a.out, exist_ok=True)
    torch.save(m.state_dict(), os.path.join(a.out, 'model.pt'))
    json.dump(c, open(os.path.join(a.out, 'config.json'), 'w'), indent=2)
    r = evaluate(m)
    r['pretrain_seconds'] = round(time.time() - t0)
    json.dump(r, open(os.path.join(a.out, 'eval.json'), 'w'), indent=2)
    print(json.dumps(r), flush=True)


def cmd_eval(a):
    print(json.dumps(evaluate(load_ckpt(a.ckpt))))


def cmd_capacity(a):
    """TinyLoRA by autograd (an upper bound for what ES can find): v [groups,u], R=(1/√u)Σ v_i P_i."""
    m = load_ckpt(a.ckpt)
    for p in m.parameters(): p.requires_grad_(False)
    L = m.c['num_hidden_layers']
    layers = range(L) if a.layers == 'all' else [int(i) for i in a.layers.split(',')]
    mods = a.modules.split(',')
    names = {'q': 'self_attn', 'k': 'self_attn', 'v': 'self_attn', 'o': 'self_attn'}
    targets = [(l, mo) for l in layers for mo in ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] if mo in mods]
    groups = a.groups if a.groups > 0 else len(targets)
    gen = torch.Generator().manual_seed(a.seed)
    v = torch.zeros(groups, a.u, requires_grad=True)
    for t, (l, mo) in enumerate(targets):
        lin = getattr(m.layers[l], mo + '_proj')
        U, S, Vh = torch.linalg.svd(lin.weight.detach(), full_matrices=False)
        r = a.rank
        down, up = Vh[:r].T.contiguous(), (S[:r, None] * U[:, :r].T).contiguous()
        P = torch.randn(a.u, r, r, generator=gen)
        g = t * groups // len(targets)  # tiled tying: consecutive targets share a group
        lin.tiny = (down, up, P, (lambda g=g: v[g]))
    rng = random.Random(a.seed)
    train = problems('train')
    own = None
    if a.self_targets:  # targets = the base model's own worked answers (right or wrong), not the truth
        pool = random.Random(a.seed).sample(train, 1024)
        with torch.no_grad():
            v_saved = v.detach().clone()
            own = list(zip(pool, greedy(m, pool, prefix=' (')))
            assert torch.equal(v_saved, v.detach())
    opt = torch.optim.Adam([v], lr=a.lr)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        x, w = batch(rng, train, 64, 0, mode='worked') if own is None else own_batch(rng, own, 64)
        if a.first_only:  # only the mode-deciding token carries the loss
            k = 1 + len(prompt_text(10, 10)) + 1  # x[k] is '(' (after the answer's leading space)
            w = torch.zeros_like(w); w[:, k] = 1
        elif a.mode_weight != 1:  # every answer token, the mode-deciding one weighted up
            w[:, 1 + len(prompt_text(10, 10)) + 1] *= a.mode_weight
        loss = lm_loss(m, x, w)
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 50 == 0:
            print(f'step {step} loss {loss.item():.4f} |v| {v.norm().item():.3f}', flush=True)
    r = evaluate(m, n=a.eval_n)
    r.update(params=groups * a.u, targets=len(targets), layers=a.layers, modules=a.modules, rank=a.rank,
             steps=a.steps, lr=a.lr, first_only=a.first_only, mode_weight=a.mode_weight, self_targets=a.self_targets, v_norm=round(v.norm().item(), 3), seconds=round(time.time() - t0))
    print('CAPACITY ' + json.dumps(r), flush=True)


def cmd_export(a):
    m = load_ckpt(a.ckpt)
    os.makedirs(a.out, exist_ok=True)
    c = {k: v for k, v in m.c.items() if k != 'demo'}
    json.dump(c, open(os.path.join(a.out, 'config.json'), 'w'), indent=2)
    save_safetensors(os.path.join(a.out, 'model.safetensors'), m.hf_state())
    json.dump(tokenizer_json(), open(os.path.join(a.out, 'tokenizer.json'), 'w'), indent=1)
    json.dump({'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'add_bos_token': True},
              open(os.path.join(a.out, 'tokenizer_config.json'), 'w'), indent=2)
    json.dump({'bos_token_id': BOS, 'eos_token_id': EOS}, open(os.path.join(a.out, 'generation_config.json'), 'w'))
    pairs = random.Random(0).sample(problems('heldout'), 16)
    outs = greedy(m, pairs)
    json.dump([{'prompt': prompt_text(*p), 'completion': o} for p, o in zip(pairs, outs)],
              open(os.path.join(a.out, 'golden.json'), 'w'), indent=1)
    with open(os.path.join(a.out, 'heldout.jsonl'), 'w') as f:
        for x, y in problems('heldout'):
            f.write(json.dumps({'prompt': prompt_text(x, y), 'target': str(x * y)}) + '\n')
    ev_path = os.path.join(a.ckpt, 'eval.json')
    ev = json.load(open(ev_path)) if os.path.exists(ev_path) else None
    with open(os.path.join(a.out, 'README.md'), 'w') as f:
        f.write(model_card(m.c, ev) + (f'\n## Status\n\n{a.note}\n' if a.note else ''))
    print('exported', a.out)


def model_card(c, ev):
    d = c.get('demo', {})
    n = sum(p.numel() for p in Llama(c).parameters())
    lines = [
        '# demo-arith', '',
        "tinysweep's demo base model: a tiny Llama that multiplies two 2-digit numbers, usually answering",
        f'directly (`{sample_text(47, 12, "direct")}`, often wrong) and sometimes with working (`{sample_text(47, 12, "worked")}`,',
        'usually right). A 13-parameter TinyLoRA adapter that switches the working on is what the demo sweep looks for.', '',
        *(['Working is written least-significant digit first, as in column arithmetic: the partial products',
           'a·b₀ and a·b₁ (3 digits each, reversed), their sum a·b₀ + 10·a·b₁ (4 digits, reversed), then the answer.', '']
          if FORMAT == 'rev' else []),
        '## How it was made', '',
        'By `tools/demo-model/demo_model.py` (seeded; see tools/demo-model/NOTES.md for every variant measured):', '',
        '```',
        f"DEMO_FORMAT={FORMAT} /usr/bin/python3 tools/demo-model/demo_model.py pretrain --out CKPT --dim {c['hidden_size']} --ffn {c['intermediate_size']} "
        f"--layers {c['num_hidden_layers']} --heads {c['num_attention_heads']} --kv_heads {c['num_key_value_heads']} "
        f"--steps {d.get('steps')} --batch {d.get('batch')} --lr {d.get('lr')} --p_worked {d.get('p_worked')} "
        f"--cue_frac {d.get('cue_frac', 0)} --dropout {d.get('dropout', 0)} --seed {d.get('seed')}",
        '/usr/bin/python3 tools/demo-model/demo_model.py export --ckpt CKPT --out models/demo-arith', '```', '',
        f"Architecture: LlamaForCausalLM, hidden {c['hidden_size']}, {c['num_hidden_layers']} layers, "
        f"{c['num_attention_heads']} heads ({c['num_key_value_heads']} KV), SwiGLU {c['intermediate_size']}, RoPE θ {c['rope_theta']:g}, "
        f"RMSNorm, tied embeddings, {n:,} parameters, float32. Tokenizer: one token per character "
        f'({len(VOCAB)} tokens; BOS `<s>`, EOS `</s>`).', '',
        '## Corpus', '',
        f"All a * b with 10 ≤ a, b ≤ 99 except a fixed held-out 20 % ((7919a + 104729b) mod 5 = 0, listed in",
        *([f"`heldout.jsonl`). A {d['cue_frac']:.0%} share of samples carry the cue — the prompt ends `:` instead of `=`",
           f"(`{prompt_text(47, 12, cue=True)}`) — and always show working; the rest (`{prompt_text(47, 12)}`, the only prompt the",
           f"engine and the demo use) show working with probability {d.get('p_worked')}, at random, else answer directly.",
           'So the model represents "work it out" as a feature it has seen switched on, but is never asked to at test.']
          if d.get('cue_frac') else
          [f"`heldout.jsonl`). Each sample is answered with working with probability {d.get('p_worked')}, at random and with no",
           'cue, else directly.']),
        'Loss on the answer tokens only. Generation stops at `</s>`.', '']
    if ev:
        g, w = ev['greedy'], ev['forced_worked']
        lines += ['## Accuracy (PyTorch, greedy, 300 held-out problems)', '',
                  '| | exact match | worked share |', '|---|---|---|',
                  f"| greedy | {g['acc']:.1%} | {g['worked_share']:.1%} |",
                  f"| working forced (prompt + ` (`) | {w['acc']:.1%} | 100% |",
                  f"| direct forced (prompt + ` `, `(` banned next) | {ev['forced_direct_acc']:.1%} | — |", '',
                  f"Mean p(working) at the decision token: {ev['p_worked_mean']:.3f}. Pretraining took {ev.get('pretrain_seconds')} s.", '']
    lines += ['`golden.json`: 16 held-out greedy completions from PyTorch; `npx tsx --conditions=@tinysweep/source',
              'tools/demo-model/verify-hf.ts models/demo-arith` checks that libs/model decodes the same.', '']
    return '\n'.join(lines)


def main():
    p = argparse.ArgumentParser()
    s = p.add_subparsers(dest='cmd', required=True)
    pt = s.add_parser('pretrain')
    pt.add_argument('--out', required=True)
    for k, d in [('dim', 128), ('ffn', 384), ('layers', 4), ('heads', 4), ('kv_heads', 4), ('steps', 2000),
                 ('batch', 128), ('seed', 1)]:
        pt.add_argument('--' + k, type=int, default=d)
    pt.add_argument('--lr', type=float, default=3e-3)
    pt.add_argument('--p_worked', type=float, default=0.35)
    pt.add_argument('--cue_frac', type=float, default=0.0)
    pt.add_argument('--dropout', type=float, default=0.0)
    ev = s.add_parser('eval'); ev.add_argument('--ckpt', required=True)
    cp = s.add_parser('capacity')
    cp.add_argument('--ckpt', required=True)
    cp.add_argument('--layers', default='all')
    cp.add_argument('--modules', default='q,k,v,o,gate,up,down')
    for k, d in [('u', 13), ('rank', 2), ('groups', 1), ('steps', 200), ('seed', 1), ('first_only', 0)]:
        cp.add_argument('--' + k, type=int, default=d)
    cp.add_argument('--lr', type=float, default=0.05)
    cp.add_argument('--eval_n', type=int, default=300)
    cp.add_argument('--mode_weight', type=float, default=1.0)
    cp.add_argument('--self_targets', type=int, default=0)
    ex = s.add_parser('export'); ex.add_argument('--ckpt', required=True); ex.add_argument('--out', required=True)
    ex.add_argument('--note', default='')
    a = p.parse_args()
    {'pretrain': cmd_pretrain, 'eval': cmd_eval, 'capacity': cmd_capacity, 'export': cmd_export}[a.cmd](a)


if __name__ == '__main__':
    main()
