
# tool import


from .composio_tool import composio_tools
