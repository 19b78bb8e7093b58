"""Handlers that tests plug into settings hooks (importable by dotted path, one module instance)."""

completed_enrollments: list[int] = []


def record_completion(*, enrollment_id: int) -> None:
    completed_enrollments.append(enrollment_id)
