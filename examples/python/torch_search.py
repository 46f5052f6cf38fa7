"""The learning-rate recipe over your own PyTorch model: a small MLP on the wine table (good wine:
quality >= 6), a per-step range test with lrtune.range_test, every rule's suggestion with
lrtune.suggest, then the validated search with lrtune.search over the range test's interval.
lrtune prepares the table (lrtune.prepare: encoding, split, scaling); torch trains.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/python/torch_search.py [path/to/winequalityN.csv]
(tests/python/test_examples.py runs it with few epochs)."""

import sys

import numpy as np
import torch

import lrtune


def split(data, validation=0.2, seed=0):
    """The prepared training rows split once into fit and validation parts, as float32 tensors."""
    order = np.random.default_rng(seed).permutation(len(data.x_train))
    cut = int(len(order) * (1 - validation))
    def tensors(rows):
        return (torch.tensor(data.x_train[rows], dtype=torch.float32),
                torch.tensor(np.asarray(data.y_train[rows]).reshape(-1), dtype=torch.float32))
    return tensors(order[:cut]), tensors(order[cut:])


def mlp(features, seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(features, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))


class TorchTrainer:
    """One model at one rate: train_epoch() runs one shuffled pass of Adam and returns the
    validation loss with every validation row's loss (so the search can measure its noise)."""

    def __init__(self, lr, seed, fit, val, batch_size=64):
        self.model = mlp(fit[0].shape[1], seed)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.fit, self.val, self.batch_size = fit, val, batch_size
        self.generator = torch.Generator().manual_seed(seed)
        self.best, self.best_state = float("inf"), None

    def train_epoch(self):
        x, y = self.fit
        self.model.train()
        for rows in torch.randperm(len(x), generator=self.generator).split(self.batch_size):
            self.optimizer.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(self.model(x[rows]).squeeze(1), y[rows])
            loss.backward()
            self.optimizer.step()
        self.model.eval()
        with torch.no_grad():
            rows = torch.nn.functional.binary_cross_entropy_with_logits(
                self.model(self.val[0]).squeeze(1), self.val[1], reduction="none").double().numpy()
        if rows.mean() < self.best:  # keeping the best weights is the trainer's business
            self.best, self.best_state = rows.mean(), {k: v.clone() for k, v in self.model.state_dict().items()}
        return float(rows.mean()), rows


def range_test(fit, batch_size=64, seed=0, num=100):
    """A fresh model swept from 1e-6 to 1 one mini-batch per rate (the torch-lr-finder recipe)."""
    model = mlp(fit[0].shape[1], seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-6)
    generator = torch.Generator().manual_seed(seed)
    batches = iter(())

    def step(lr):
        nonlocal batches
        rows = next(batches, None)
        if rows is None:
            batches = iter(torch.randperm(len(fit[0]), generator=generator).split(batch_size))
            rows = next(batches)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(fit[0][rows]).squeeze(1), fit[1][rows])
        loss.backward()
        optimizer.step()
        return loss.item()

    return lrtune.range_test(step, start=1e-6, end=1.0, num=num)


def main(path="../shared/data/winequalityN.csv", candidates=8, max_epochs=40, first_rung_epochs=4, patience=5,
         finder_points=100):
    torch.set_num_threads(1)  # small batches: one thread is as fast and leaves the others free
    data = lrtune.prepare(path, target="quality", positive=">=6")
    fit, val = split(data)
    curve = range_test(fit, num=finder_points)
    suggestions = lrtune.suggest(curve.learning_rates, curve.smoothed_losses, mode="step")
    print(suggestions)
    result = lrtune.search(lambda lr, seed, fold: TorchTrainer(lr, seed, fit, val), range_test=curve,
                           default_rate=1e-3, candidates=candidates, max_epochs=max_epochs,
                           first_rung_epochs=first_rung_epochs, patience=patience)
    print(result)
    return curve, suggestions, result


if __name__ == "__main__":
    main(*sys.argv[1:2])
