"""A small MCP server for crew's tests, on the Python reference SDK (mcp 1.x FastMCP or 2.x MCPServer).

Usage: python3 demo_server.py stdio | python3 demo_server.py http PORT
"""

import asyncio
import base64
import os
import sys

if os.environ.get("DEMO_FAIL_AT_START"):
    # Before the slow imports, so that the test of a server that dies at start is quick.
    sys.stderr.write("demo server: refusing to start\n")
    if os.environ.get("DEMO_SECRET"):
        # A server that echoes its configuration: crew must scrub the value from what it reports.
        sys.stderr.write("demo server: my secret is " + os.environ["DEMO_SECRET"] + "\n")
    sys.exit(2)

try:
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver import MCPServer as Server
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:
    from mcp.server.fastmcp import Context
    from mcp.server.fastmcp import FastMCP as Server
    from mcp.server.fastmcp.exceptions import ToolError

try:
    from mcp.types import ImageContent, TextContent
except ImportError:
    from mcp_types import ImageContent, TextContent

server = Server("demo")


@server.tool()
def add(a: int, b: int) -> str:
    """Adds two integers."""
    return str(a + b)


@server.tool()
def echo(text: str) -> str:
    """Returns the text it is given."""
    return text


@server.tool()
def fail() -> str:
    """Always raises an error."""
    raise ToolError("this tool always fails")


@server.tool()
async def slow(seconds: float) -> str:
    """Sleeps, then answers."""
    await asyncio.sleep(seconds)
    return "done"


@server.tool()
def crash() -> str:
    """Ends the server process in the middle of the call."""
    sys.stderr.write("demo server: crashing on purpose\n")
    if os.environ.get("DEMO_SECRET"):
        sys.stderr.write("demo server: my secret is " + os.environ["DEMO_SECRET"] + "\n")
    sys.stderr.flush()
    os._exit(3)


@server.tool()
def big() -> str:
    """Returns a large text."""
    return "x" * 300_000


@server.tool()
def env(name: str) -> str:
    """Returns an environment variable of the server process."""
    return os.environ.get(name, "")


@server.tool()
def header(name: str, ctx: Context) -> str:
    """Returns a header of the HTTP request that carried this call, or (none)."""
    request = getattr(ctx.request_context, "request", None)
    headers = getattr(request, "headers", None) or {}
    return headers.get(name, "(none)")


@server.tool()
def argv() -> str:
    """Returns the server's command-line arguments."""
    return " ".join(sys.argv[1:])


@server.tool()
def picture() -> list:
    """Returns a caption and a small image."""
    data = base64.b64encode(bytes(12 * 1024)).decode()
    return [
        TextContent(type="text", text="a picture"),
        ImageContent(type="image", data=data, mimeType="image/png"),
    ]


def run_http(port: int) -> None:
    try:
        server.run("streamable-http", host="127.0.0.1", port=port)
    except TypeError:
        # mcp 1.x reads host and port from the settings.
        server.settings.host = "127.0.0.1"
        server.settings.port = port
        server.run("streamable-http")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "http":
        run_http(int(sys.argv[2]))
    else:
        server.run("stdio")
