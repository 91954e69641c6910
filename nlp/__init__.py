"""Trained Norwegian spaCy pipelines (Bokmål, Nynorsk) from NorNE: conversion, training, loading."""
