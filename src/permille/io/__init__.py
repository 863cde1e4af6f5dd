"""Readers and writers of file formats that permille exchanges with other tools."""
