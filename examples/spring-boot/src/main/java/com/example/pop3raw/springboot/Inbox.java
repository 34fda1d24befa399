package com.example.pop3raw.springboot;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.stereotype.Service;

/** What the application does with a message: here it keeps the subjects. */
@Service
public class Inbox {

    private final List<String> subjects = new CopyOnWriteArrayList<>();

    public void receive(@Header("CamelPop3RawSubject") String subject, @Body String raw) {
        subjects.add(subject);
    }

    public List<String> subjects() {
        return List.copyOf(subjects);
    }
}
