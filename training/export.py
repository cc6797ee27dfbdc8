"""work/model.pt -> models/quarry-code/model.onnx (int8 table + per-row fp32 scale).

ONNX contract: inputs `ids` int64 [B, L] (bucket ids, 0-padded), `weights` float32 [B, L]
(0 for padding); output `embeddings` float32 [B, 256], L2-normalised (zero for no features).
Graph: Gather(int8 table) -> Cast float; Gather(scale) * weights; batched MatMul; L2 norm.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# QUARRY_TRAIN_MODEL_DIR: build a candidate model in another folder (its featurizer.json is read there)
MODEL_DIR = os.environ.get('QUARRY_TRAIN_MODEL_DIR') or os.path.join(HERE, '..', 'models', 'quarry-code')


class Exported(torch.nn.Module):
    def __init__(self, weight):
        super().__init__()
        scale = weight.abs().max(dim=1).values / 127.0
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        q = torch.round(weight / scale[:, None]).clamp(-127, 127).to(torch.int8)
        self.register_buffer('table', q)
        self.register_buffer('scale', scale.float())

    def forward(self, ids, weights):
        rows = self.table[ids].float()
        w = weights * self.scale[ids]
        v = torch.matmul(w.unsqueeze(1), rows).squeeze(1)
        return v / torch.clamp(torch.linalg.vector_norm(v, dim=1, keepdim=True), min=1e-12)


def load(path=os.path.join(HERE, 'work', 'model.pt')):
    return Exported(torch.load(path)['weight'].float())


def export(model, out=os.path.join(MODEL_DIR, 'model.onnx')):
    ids = torch.zeros((2, 3), dtype=torch.int64)
    w = torch.ones((2, 3), dtype=torch.float32)
    torch.onnx.export(model, (ids, w), out, input_names=['ids', 'weights'], output_names=['embeddings'],
                      dynamic_axes={'ids': {0: 'batch', 1: 'features'}, 'weights': {0: 'batch', 1: 'features'},
                                    'embeddings': {0: 'batch'}}, opset_version=13)
    print('wrote', out, os.path.getsize(out), 'bytes')


if __name__ == '__main__':
    import sys
    export(load(*sys.argv[1:2]))
