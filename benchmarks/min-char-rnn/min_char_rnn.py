#!/usr/bin/python3
"""Karpathy's min-char-rnn (2015) in numpy, timed: the reference RnnGen's vanilla char model is compared with.

The algorithm is the original gist's, unchanged: a vanilla tanh RNN with 100 hidden units over one-hot characters,
softmax output, truncated BPTT over 25-character windows with the hidden state carried from window to window (reset
at the end of the text), gradients clipped to +-5 elementwise, Adagrad with learning rate 0.1 and 1e-8 inside the
square root, float64 as numpy gives by default. Two things are adapted for a like-for-like timing:

* the vocabulary has exactly --vocab-size symbols (default 96, RnnGen's CharRnn sample's compile-time size): a text
  with fewer distinct characters leaves the rest unused (the matrices keep the full size, as RnnGen's do), one with
  more maps the rarest to one unknown symbol (as RnnGen's CharVocabulary does);
* sampling every 100 steps is off (--sample-every N turns it on), since the RnnGen run does not sample either.

It prints progress to stderr and one machine-readable line to stdout:
  min-char-rnn impl=numpy chars_per_second=... steps=... chars=... seconds=... hidden=100 vocab=96 window=25 ...

usage: /usr/bin/python3 min_char_rnn.py --corpus FILE [--steps 2000] [--seed 42]
Benchmark numpy with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (compare.sh does); the line names the BLAS loaded.
"""

import argparse
import collections
import os
import sys
import time

import numpy as np


def build_vocabulary(data, size):
    counts = collections.Counter(data)
    if len(counts) <= size:
        chars = sorted(counts)
        unknown = None
    else:
        kept = sorted(counts, key=lambda c: (-counts[c], c))[:size - 1]
        chars = sorted(kept)
        unknown = len(chars)
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    return char_to_ix, unknown, len(counts)


def blas_libraries():
    """The BLAS/LAPACK shared libraries this process has mapped (numpy links one at import)."""
    names = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            for line in f:
                path = line.split()[-1]
                base = os.path.basename(path)
                if "blas" in base or "lapack" in base or "mkl" in base:
                    names.add(os.path.realpath(path))
    except OSError:
        pass
    return ",".join(sorted(names)) or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True, help="UTF-8 text to train on")
    parser.add_argument("--steps", type=int, default=2000, help="training windows of 25 characters (default 2000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--vocab-size", type=int, default=96)
    parser.add_argument("--sample-every", type=int, default=0, help="steps between samples; 0 = never (default)")
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        data = f.read().replace("\r\n", "\n")
    char_to_ix, unknown, distinct = build_vocabulary(data, args.vocab_size)
    ix_to_char = {i: ch for ch, i in char_to_ix.items()}
    vocab_size = args.vocab_size
    np.random.seed(args.seed)

    # hyperparameters
    hidden_size = 100  # size of hidden layer of neurons
    seq_length = 25  # number of steps to unroll the RNN for
    learning_rate = 1e-1
    if len(data) < seq_length + 2:
        sys.exit(f"error: the corpus has {len(data)} characters; at least {seq_length + 2} are needed")

    # model parameters
    Wxh = np.random.randn(hidden_size, vocab_size) * 0.01  # input to hidden
    Whh = np.random.randn(hidden_size, hidden_size) * 0.01  # hidden to hidden
    Why = np.random.randn(vocab_size, hidden_size) * 0.01  # hidden to output
    bh = np.zeros((hidden_size, 1))  # hidden bias
    by = np.zeros((vocab_size, 1))  # output bias

    def lossFun(inputs, targets, hprev):
        """inputs,targets are both list of integers. hprev is Hx1 array of initial hidden state.
        returns the loss, gradients on model parameters, and last hidden state"""
        xs, hs, ys, ps = {}, {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0
        # forward pass
        for t in range(len(inputs)):
            xs[t] = np.zeros((vocab_size, 1))  # encode in 1-of-k representation
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t - 1]) + bh)  # hidden state
            ys[t] = np.dot(Why, hs[t]) + by  # unnormalized log probabilities for next chars
            ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))  # probabilities for next chars
            loss += -np.log(ps[t][targets[t], 0])  # softmax (cross-entropy loss)
        # backward pass: compute gradients going backwards
        dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
        dbh, dby = np.zeros_like(bh), np.zeros_like(by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1  # backprop into y
            dWhy += np.dot(dy, hs[t].T)
            dby += dy
            dh = np.dot(Why.T, dy) + dhnext  # backprop into h
            dhraw = (1 - hs[t] * hs[t]) * dh  # backprop through tanh nonlinearity
            dbh += dhraw
            dWxh += np.dot(dhraw, xs[t].T)
            dWhh += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(Whh.T, dhraw)
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -5, 5, out=dparam)  # clip to mitigate exploding gradients
        return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]

    def sample(h, seed_ix, n):
        """sample a sequence of integers from the model; h is memory state, seed_ix is seed letter for first time step"""
        x = np.zeros((vocab_size, 1))
        x[seed_ix] = 1
        ixes = []
        for _ in range(n):
            h = np.tanh(np.dot(Wxh, x) + np.dot(Whh, h) + bh)
            y = np.dot(Why, h) + by
            p = np.exp(y) / np.sum(np.exp(y))
            ix = np.random.choice(range(vocab_size), p=p.ravel())
            x = np.zeros((vocab_size, 1))
            x[ix] = 1
            ixes.append(ix)
        return ixes

    def ix(ch):
        return char_to_ix.get(ch, unknown)

    n, p = 0, 0
    mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    mbh, mby = np.zeros_like(bh), np.zeros_like(by)  # memory variables for Adagrad
    smooth_loss = -np.log(1.0 / vocab_size) * seq_length  # loss at iteration 0
    hprev = np.zeros((hidden_size, 1))
    start = time.perf_counter()
    while n < args.steps:
        # prepare inputs (we're sweeping from left to right in steps seq_length long)
        if p + seq_length + 1 >= len(data) or n == 0:
            hprev = np.zeros((hidden_size, 1))  # reset RNN memory
            p = 0  # go from start of data
        inputs = [ix(ch) for ch in data[p:p + seq_length]]
        targets = [ix(ch) for ch in data[p + 1:p + seq_length + 1]]

        # sample from the model now and then (off by default: not part of the timing)
        if args.sample_every and n % args.sample_every == 0:
            sample_ix = sample(hprev, inputs[0], 200)
            print("----\n %s \n----" % "".join(ix_to_char.get(i, "?") for i in sample_ix), file=sys.stderr)

        # forward seq_length characters through the net and fetch gradient
        loss, dWxh, dWhh, dWhy, dbh, dby, hprev = lossFun(inputs, targets, hprev)
        smooth_loss = smooth_loss * 0.999 + loss * 0.001
        if n % 1000 == 0:
            print("iter %d, loss: %f" % (n, smooth_loss), file=sys.stderr)  # print progress

        # perform parameter update with Adagrad
        for param, dparam, mem in zip([Wxh, Whh, Why, bh, by],
                                      [dWxh, dWhh, dWhy, dbh, dby],
                                      [mWxh, mWhh, mWhy, mbh, mby]):
            mem += dparam * dparam
            param += -learning_rate * dparam / np.sqrt(mem + 1e-8)  # adagrad update

        p += seq_length  # move data pointer
        n += 1  # iteration counter
    seconds = time.perf_counter() - start

    chars = n * seq_length
    print(f"min-char-rnn impl=numpy chars_per_second={chars / seconds:.0f} steps={n} chars={chars} seconds={seconds:.3f} "
          f"hidden={hidden_size} vocab={vocab_size} distinct_chars={distinct} window={seq_length} "
          f"smooth_loss_per_char={smooth_loss / seq_length:.3f} numpy={np.__version__} blas={blas_libraries()} "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')} corpus_chars={len(data)}")


if __name__ == "__main__":
    main()
