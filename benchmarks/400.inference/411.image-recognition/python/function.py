import datetime
import os
import tempfile

import torch
from PIL import Image
from torchvision import models, transforms

from . import storage

# Loaded on the first (cold) call and kept for warm calls, as the model download dominates a cold start.
_MODEL = None
_PREPROCESS = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])


def _microseconds(delta):
    return delta / datetime.timedelta(microseconds=1)


def _empty_resnet50():
    try:
        return models.resnet50(weights=None)  # torchvision >= 0.13
    except TypeError:
        return models.resnet50(pretrained=False)


def _label(idx):
    """The ImageNet class name torchvision ships with its ResNet-50 weights metadata (None on old torchvision)."""
    weights = getattr(models, "ResNet50_Weights", None)
    if weights is None:
        return None
    return weights.IMAGENET1K_V1.meta["categories"][idx]


def handler(event):
    """ResNet-50 (torchvision) classification of one image; the weights come from storage."""
    global _MODEL
    bucket = event["bucket"]["bucket"]
    input_prefix = event["bucket"]["input"]
    model_prefix = event["bucket"]["model"]
    image_key = event["object"]["input"]
    model_key = event["object"]["model"]
    client = storage.storage.get_instance()
    work = tempfile.mkdtemp()

    image_path = os.path.join(work, os.path.basename(image_key))
    download_begin = datetime.datetime.now()
    client.download(bucket, input_prefix + "/" + image_key, image_path)
    download_end = datetime.datetime.now()

    model_download_time = 0.0
    model_time = 0.0
    if _MODEL is None:
        model_path = os.path.join(work, os.path.basename(model_key))
        begin = datetime.datetime.now()
        client.download(bucket, model_prefix + "/" + model_key, model_path)
        downloaded = datetime.datetime.now()
        model = _empty_resnet50()
        model.load_state_dict(torch.load(model_path, map_location="cpu"))
        model.eval()
        _MODEL = model
        loaded = datetime.datetime.now()
        os.remove(model_path)
        model_download_time = _microseconds(downloaded - begin)
        model_time = _microseconds(loaded - downloaded)

    compute_begin = datetime.datetime.now()
    with Image.open(image_path) as image:
        batch = _PREPROCESS(image.convert("RGB")).unsqueeze(0)
    with torch.no_grad():
        scores = _MODEL(batch)
    idx = int(scores.argmax(dim=1)[0])
    compute_end = datetime.datetime.now()
    os.remove(image_path)

    return {
        "result": {"idx": idx, "class": _label(idx)},
        "measurement": {
            "download_time": _microseconds(download_end - download_begin),
            "compute_time": _microseconds(compute_end - compute_begin),
            "model_time": model_time,
            "model_download_time": model_download_time,
        },
    }
