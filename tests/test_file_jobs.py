"""A data.police.uk file to read is one FileJob: handed to a worker process as plain values (a
tuple that pickles), read by name, and it knows whether it is another force's street file."""

from __future__ import annotations

import pickle
from pathlib import Path

from pack.data.policeuk import FileJob

FORCE = "Derbyshire Constabulary"


def job(name: str, relative: str) -> FileJob:
    return FileJob(name, Path("/data") / relative, None, relative, FORCE, Path("/out/part-00000.parquet"))


def test_a_job_goes_to_a_worker_as_the_readers_arguments_and_comes_back_whole() -> None:
    one = job("street", "2024-01/2024-01-derbyshire-street.csv")
    assert tuple(one) == (
        "street",
        Path("/data/2024-01/2024-01-derbyshire-street.csv"),
        None,
        "2024-01/2024-01-derbyshire-street.csv",
        FORCE,
        Path("/out/part-00000.parquet"),
    )
    assert pickle.loads(pickle.dumps(one)) == one and pickle.loads(pickle.dumps(one)).part == one.part


def test_only_another_forces_street_file_is_counted_the_national_way() -> None:
    assert job("street", "2024-01/2024-01-leicestershire-street.csv").other_force_street
    assert job("street", "archive.zip/2024-01/2024-01-leicestershire-street.csv").other_force_street
    assert not job("street", "2024-01/2024-01-derbyshire-street.csv").other_force_street
    assert not job("outcomes", "2024-01/2024-01-leicestershire-outcomes.csv").other_force_street
