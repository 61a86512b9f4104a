"""The Playbook menu and its dialogs (LR finder, mislabels, ensemble, k-fold, distillation).

May import: app.core and every gui package below app.gui.window.
"""
