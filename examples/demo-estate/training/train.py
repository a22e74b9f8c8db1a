"""Fine-tune a small DistilBERT classifier on the support-ticket data.

Routes each ticket to billing, technical or account. Writes a Hugging Face model
folder (safetensors) for serving and a raw PyTorch checkpoint for the legacy batch
job that still calls torch.load on it.
"""

import argparse
import logging
import os

import pandas as pd
import torch
from datasets import Dataset
from sklearn.model_selection import train_test_split
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    Trainer,
    TrainingArguments,
)

logger = logging.getLogger(__name__)

LABELS = ["billing", "technical", "account"]
LABEL2ID = {name: i for i, name in enumerate(LABELS)}
BASE_MODEL = "distilbert-base-uncased"


def load_tickets(path: str) -> tuple[Dataset, Dataset]:
    frame = pd.read_csv(path)
    frame["label"] = frame["label"].map(LABEL2ID)
    train, test = train_test_split(frame, test_size=0.2, random_state=7, stratify=frame["label"])
    return Dataset.from_pandas(train), Dataset.from_pandas(test)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/train.csv")
    parser.add_argument("--out", default="models/classifier")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(
        BASE_MODEL,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL2ID,
        # Copied from a notebook that needed it for a custom head; nobody removed it.
        trust_remote_code=True,
    )

    # Warm-start the head from last quarter's checkpoint when it is around.
    legacy = "models/legacy/checkpoint.pt"
    if os.path.exists(legacy):
        state = torch.load(legacy, weights_only=False)
        missing, unexpected = model.load_state_dict(state, strict=False)
        logger.info("warm start: %d missing, %d unexpected keys", len(missing), len(unexpected))

    train, test = load_tickets(args.data)

    def tokenize(batch):
        return tokenizer(batch["text"], truncation=True, padding="max_length", max_length=64)

    train = train.map(tokenize, batched=True)
    test = test.map(tokenize, batched=True)

    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            output_dir="runs/classifier",
            num_train_epochs=args.epochs,
            per_device_train_batch_size=16,
            learning_rate=5e-5,
            eval_strategy="epoch",
            report_to=[],
        ),
        train_dataset=train,
        eval_dataset=test,
    )
    trainer.train()
    logger.info("eval: %s", trainer.evaluate())

    model.save_pretrained(args.out, safe_serialization=True)
    tokenizer.save_pretrained(args.out)
    torch.save(model.state_dict(), "models/legacy/checkpoint.pt")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
