"""claimwatch: watch news feeds for allegations and official denials."""

__version__ = "0.1.0"
