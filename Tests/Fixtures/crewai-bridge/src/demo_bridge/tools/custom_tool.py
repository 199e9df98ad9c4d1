from typing import Type

from crewai.tools import BaseTool, tool
from pydantic import BaseModel, Field

# Import-time output, as some projects have: the bridge must keep it off the protocol stream.
print("demo_bridge.tools.custom_tool loaded")


class ReverseTextInput(BaseModel):
    """Input schema for MyCustomTool."""

    text: str = Field(..., description="The text to reverse.")
    uppercase: bool = Field(False, description="Return the reversed text in capital letters.")


class MyCustomTool(BaseTool):
    name: str = "Reverse Text"
    description: str = "Reverses a piece of text, character by character."
    args_schema: Type[BaseModel] = ReverseTextInput

    def _run(self, text: str, uppercase: bool = False) -> str:
        reversed_text = text[::-1]
        return reversed_text.upper() if uppercase else reversed_text


class GreetingTool(BaseTool):
    """A tool configured where it is made: crew.py passes greeting=..."""

    name: str = "Greeter"
    description: str = "Greets a guest the house way."
    greeting: str = "Hello"

    def _run(self, guest: str) -> str:
        return f"{self.greeting}, {guest}!"


@tool("Word Counter")
def word_counter(text: str, min_length: int = 1) -> int:
    """Counts the words of a text that have at least min_length characters."""
    return len([word for word in text.split() if len(word) >= min_length])


@tool
def letter_histogram(text: str) -> dict:
    """Counts how often each letter occurs in a text."""
    counts: dict = {}
    for letter in text.lower():
        if letter.isalpha():
            counts[letter] = counts.get(letter, 0) + 1
    return dict(sorted(counts.items()))


@tool("Flaky Lookup")
def flaky_lookup(key: str) -> str:
    """Looks a key up in a directory service that is always down."""
    raise ConnectionError(f"directory service unreachable while looking up {key!r}")


@tool("Chatty Echo", result_as_answer=True)
def chatty_tool(message: str) -> str:
    """Echoes a message, printing its progress to stdout as careless tools do."""
    print(f"chatty_tool: echoing {message!r}")
    return f"echo: {message}"
