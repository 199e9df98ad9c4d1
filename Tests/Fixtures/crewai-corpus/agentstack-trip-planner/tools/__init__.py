
# tool import


from browserbase import Browserbase







from .browserbase import Browserbase
