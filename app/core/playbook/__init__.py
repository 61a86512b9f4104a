"""The tuning playbook: learning-rate finder, suspected mislabels, top-k ensemble, distillation
and k-fold cross-validation, each a task run like a search.

May import: app.core.export, app.core.search, app.core.model, app.core.data, app.core.options,
app.core.util. No Qt.
"""
