"""The playbook's parameter table agrees with the task functions it describes."""
import inspect

from app.core.playbook.task_params import TASK_PARAMS
from app.core.playbook.tasks import resolve


def test_every_parameter_in_the_table_is_the_task_functions_with_its_default():
    for task, params in TASK_PARAMS.items():
        signature = inspect.signature(resolve(task)).parameters
        for param in params:
            assert param.name in signature, f"{task}: no parameter {param.name}"
            default = signature[param.name].default
            if default is inspect.Parameter.empty:
                assert param.required, f"{task}.{param.name}: the function has no default, the table must require it"
            else:
                assert param.default == default, f"{task}.{param.name}: {param.default!r} != {default!r}"
            if param.low is not None and param.first_value is not None:
                assert param.low <= param.first_value <= param.high, f"{task}.{param.name}: first value out of range"
