"""Tiny latent-diffusion components in plain torch: CLIP-like text encoder, KL autoencoder (64x64x3 <-> 8x8x4),
conditional UNet on 8x8x4 latents with cross-attention. All export to ONNX (opset 14) with dynamic axes."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- hyper-parameters (written into config.json)
TEXT = dict(vocab_size=613, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=256, max_position_embeddings=77)
VAE = dict(enc_channels=(64, 128), dec_channels=(128, 64), latent_channels=4, groups=16)
UNET = dict(channels=(64, 128), time_dim=256, heads=4, groups=16, cross_attention_dim=128)
# The UNet cross-attends to the first CONTEXT_TOKENS text states only (<|startoftext|>, <= 17 caption tokens and the
# first <|endoftext|>s). The text encoder is causal, so these states do not depend on the padding after them: training
# can run the text encoder on 20 tokens and inference on the usual 77 gives the same states.
CONTEXT_TOKENS = 20


# ---------------------------------------------------------------- text encoder
class Attention(nn.Module):
    def __init__(self, dim, heads, kv_dim=None):
        super().__init__()
        kv_dim = kv_dim or dim
        self.h = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(kv_dim, dim)
        self.v = nn.Linear(kv_dim, dim)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, mask=None):
        ctx = x if ctx is None else ctx
        b, n, d = x.shape
        h = self.h
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.v(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        a = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(d // h))
        if mask is not None:
            a = a + mask
        a = a.softmax(-1)
        return self.o((a @ v).transpose(1, 2).reshape(b, n, d))


class TextLayer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ff)
        self.fc2 = nn.Linear(ff, d)

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask=mask)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TextEncoder(nn.Module):
    """CLIP text transformer: pre-LN, causal mask, final LN; pooler = hidden state at argmax(input_ids) (EOS)."""

    def __init__(self, vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
                 max_position_embeddings):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden_size)
        self.pos = nn.Parameter(torch.randn(max_position_embeddings, hidden_size) * 0.01)
        nn.init.normal_(self.tok.weight, std=0.02)
        self.layers = nn.ModuleList(TextLayer(hidden_size, num_attention_heads, intermediate_size)
                                    for _ in range(num_hidden_layers))
        self.ln = nn.LayerNorm(hidden_size)
        m = torch.full((max_position_embeddings, max_position_embeddings), -1e9).triu(1)
        self.register_buffer("causal", m, persistent=False)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        mask = self.causal[:n, :n]
        for layer in self.layers:
            x = layer(x, mask)
        x = self.ln(x)
        pooled = x[torch.arange(x.shape[0]), input_ids.argmax(-1)]
        return x, pooled


# ---------------------------------------------------------------- shared blocks
class ResBlock(nn.Module):
    def __init__(self, cin, cout, groups, tdim=None):
        super().__init__()
        self.n1 = nn.GroupNorm(groups, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout) if tdim else None
        self.n2 = nn.GroupNorm(groups, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(temb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


# ---------------------------------------------------------------- autoencoder
class Encoder(nn.Module):
    """[b,3,64,64] in [-1,1] -> [b,8,8,8] (mean || logvar). pixel-unshuffle x4, conv stride 2."""

    def __init__(self, enc_channels, latent_channels, groups, **_):
        super().__init__()
        c0, c1 = enc_channels
        self.inp = nn.Conv2d(48, c0, 3, padding=1)
        self.r0 = ResBlock(c0, c0, groups)
        self.down = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.r1 = ResBlock(c1, c1, groups)
        self.r2 = ResBlock(c1, c1, groups)
        self.norm = nn.GroupNorm(groups, c1)
        self.out = nn.Conv2d(c1, 2 * latent_channels, 3, padding=1)

    def forward(self, x):
        h = self.inp(F.pixel_unshuffle(x, 4))
        h = self.down(self.r0(h))
        h = self.r2(self.r1(h))
        return self.out(F.silu(self.norm(h)))


class Decoder(nn.Module):
    """[b,4,8,8] -> [b,3,64,64]: convs at 8x8, nearest x2 + convs at 16x16, nearest x2 + conv at 32x32, conv to
    12 ch and pixel-shuffle x2. The 32x32 stage is what keeps the outline of small shapes (stars, crosses)."""

    def __init__(self, dec_channels, latent_channels, groups, **_):
        super().__init__()
        c0, c1 = dec_channels
        c2 = 32
        self.inp = nn.Conv2d(latent_channels, c0, 3, padding=1)
        self.r0 = ResBlock(c0, c0, groups)
        self.r1 = ResBlock(c0, c0, groups)
        self.up = nn.Conv2d(c0, c1, 3, padding=1)
        self.r2 = ResBlock(c1, c1, groups)
        self.r3 = ResBlock(c1, c1, groups)
        self.up2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.r4 = ResBlock(c2, c2, 8)
        self.norm = nn.GroupNorm(8, c2)
        self.out = nn.Conv2d(c2, 12, 3, padding=1)

    def forward(self, z):
        h = self.r1(self.r0(self.inp(z)))
        h = self.up(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.r3(self.r2(h))
        h = self.up2(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.r4(h)
        return F.pixel_shuffle(self.out(F.silu(self.norm(h))), 2)


# ---------------------------------------------------------------- UNet
def timestep_embedding(t, dim):
    """diffusers get_timestep_embedding(flip_sin_to_cos=True, downscale_freq_shift=0): [cos, sin]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.reshape(-1, 1).float() * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], -1)


class SpatialTransformer(nn.Module):
    """GN -> proj_in -> [self-attn, cross-attn, GEGLU-free FF] -> proj_out, residual."""

    def __init__(self, c, heads, groups, ctx_dim):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c)
        self.proj_in = nn.Linear(c, c)
        self.ln1 = nn.LayerNorm(c)
        self.self_attn = Attention(c, heads)
        self.ln2 = nn.LayerNorm(c)
        self.cross = Attention(c, heads, ctx_dim)
        self.ln3 = nn.LayerNorm(c)
        self.ff1 = nn.Linear(c, 2 * c)
        self.ff2 = nn.Linear(2 * c, c)
        self.proj_out = nn.Linear(c, c)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x).reshape(b, c, -1).transpose(1, 2))
        h = h + self.self_attn(self.ln1(h))
        h = h + self.cross(self.ln2(h), ctx)
        h = h + self.ff2(F.gelu(self.ff1(self.ln3(h))))
        h = self.proj_out(h).transpose(1, 2).reshape(b, c, hh, ww)
        return x + h


class UNet(nn.Module):
    """eps-prediction UNet on [b,4,h,w] latents; two resolutions (h, h/2), cross-attention at both.
    Two coordinate channels (x, y in [-1, 1]) are concatenated to the input so absolute position is easy."""

    def __init__(self, channels, time_dim, heads, groups, cross_attention_dim, in_channels=4):
        super().__init__()
        c0, c1 = channels
        self.c0 = c0
        self.temb = nn.Sequential(nn.Linear(c0, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.conv_in = nn.Conv2d(in_channels + 2, c0, 3, padding=1)
        self.d0 = ResBlock(c0, c0, groups, time_dim)
        self.a0 = SpatialTransformer(c0, heads, groups, cross_attention_dim)
        self.down = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.d1 = ResBlock(c0, c1, groups, time_dim)
        self.a1 = SpatialTransformer(c1, heads, groups, cross_attention_dim)
        self.m0 = ResBlock(c1, c1, groups, time_dim)
        self.ma = SpatialTransformer(c1, heads, groups, cross_attention_dim)
        self.m1 = ResBlock(c1, c1, groups, time_dim)
        self.u1 = ResBlock(2 * c1, c1, groups, time_dim)
        self.ua1 = SpatialTransformer(c1, heads, groups, cross_attention_dim)
        self.up = nn.Conv2d(c1, c0, 3, padding=1)
        self.u0 = ResBlock(2 * c0, c0, groups, time_dim)
        self.ua0 = SpatialTransformer(c0, heads, groups, cross_attention_dim)
        self.norm_out = nn.GroupNorm(groups, c0)
        self.conv_out = nn.Conv2d(c0, in_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample, timestep, encoder_hidden_states):
        b, _, h, w = sample.shape
        t = self.temb(timestep_embedding(timestep, self.c0))          # [1 or b, time_dim]
        ys = torch.linspace(-1.0, 1.0, h).reshape(1, 1, h, 1).expand(b, 1, h, w)
        xs = torch.linspace(-1.0, 1.0, w).reshape(1, 1, 1, w).expand(b, 1, h, w)
        x = self.conv_in(torch.cat([sample, xs, ys], 1))
        ctx = encoder_hidden_states[:, :CONTEXT_TOKENS]
        h0 = self.a0(self.d0(x, t), ctx)
        h1 = self.a1(self.d1(self.down(h0), t), ctx)
        m = self.m1(self.ma(self.m0(h1, t), ctx), t)
        u = self.ua1(self.u1(torch.cat([m, h1], 1), t), ctx)
        u = self.up(F.interpolate(u, scale_factor=2.0, mode="nearest"))
        u = self.ua0(self.u0(torch.cat([u, h0], 1), t), ctx)
        return self.conv_out(F.silu(self.norm_out(u)))


def count(m):
    return sum(p.numel() for p in m.parameters())


if __name__ == "__main__":
    import time
    torch.set_num_threads(2)
    te, enc, dec, un = TextEncoder(**TEXT), Encoder(**VAE), Decoder(**VAE), UNet(**UNET)
    print("params text %d enc %d dec %d unet %d" % (count(te), count(enc), count(dec), count(un)))
    x = torch.randn(64, 3, 64, 64)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()))
    for i in range(4):
        if i == 1: t0 = time.time()
        z = enc(x)[:, :4]
        loss = (dec(z) - x).pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step()
    print("vae step b64 %.3fs" % ((time.time() - t0) / 3))
    ids = torch.randint(0, 600, (128, 77))
    opt = torch.optim.AdamW(list(te.parameters()) + list(un.parameters()))
    for i in range(4):
        if i == 1: t0 = time.time()
        ctx, _ = te(ids)
        out = un(torch.randn(128, 4, 8, 8), torch.randint(0, 1000, (128,)), ctx)
        loss = out.pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step()
    print("unet step b128 %.3fs" % ((time.time() - t0) / 3))
