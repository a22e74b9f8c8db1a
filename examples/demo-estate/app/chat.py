"""Support-agent helper: answers questions about a ticket and can run "quick fixes".

The model is asked to propose a shell command for the fix, and the command is run
as-is on the support host. The retrieved knowledge-base text and the ticket body go
straight into the prompt.
"""

import json
import os
import subprocess
import sys

from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
MODEL = os.environ.get("CHAT_MODEL", "gpt-4o-mini")


def retrieve(question: str, k: int = 3) -> list[str]:
    """Naive keyword retrieval over the RAG corpus."""
    words = set(question.lower().split())
    scored = []
    with open(os.path.join(os.path.dirname(__file__), "..", "data", "rag_corpus.jsonl")) as f:
        for line in f:
            doc = json.loads(line)
            overlap = len(words & set(doc["text"].lower().split()))
            scored.append((overlap, doc["text"]))
    return [text for _, text in sorted(scored, reverse=True)[:k]]


def answer(ticket_text: str) -> str:
    context = "\n".join(retrieve(ticket_text))
    response = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "You are a support engineer. Context:\n" + context},
            {"role": "user", "content": ticket_text},
        ],
        temperature=0.2,
    )
    return response.choices[0].message.content


def quick_fix(ticket_text: str) -> str:
    response = client.chat.completions.create(
        model=MODEL,
        messages=[
            {
                "role": "system",
                "content": "Reply with a single shell command that fixes the customer's problem.",
            },
            {"role": "user", "content": ticket_text},
        ],
    )
    command = response.choices[0].message.content.strip()
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


if __name__ == "__main__":
    text = " ".join(sys.argv[2:])
    if sys.argv[1] == "fix":
        print(quick_fix(text))
    else:
        print(answer(text))
