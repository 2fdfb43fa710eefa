"""What every domain needs and no domain owns: the error family, translations and number formats, text
folding and agency names, the frozen model base, and where the bundled data lives.

May import: nothing of planner (the standard library, pydantic, yaml).
"""
