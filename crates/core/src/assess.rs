//! Assessments: answers, results derived through mappings, gap analysis (issue 3, in progress).
