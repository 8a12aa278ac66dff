"""Sub-commands of the ``graphbuild`` CLI, one module each (see ``graphbuild.cli``)."""
