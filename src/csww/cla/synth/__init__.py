"""Clean synthetic SSDA903 returns (``csww cla synth``): realistic episode chains for any LA,
with last year's return consistent with this year's and a synthetic Ofsted URN list."""

from csww.cla.synth.chains import Codes, Episode, episode_chain
from csww.cla.synth.returns import SynthReturn, build_tables, codes_for, synth_return

__all__ = [
    "Codes",
    "Episode",
    "SynthReturn",
    "build_tables",
    "codes_for",
    "episode_chain",
    "synth_return",
]
